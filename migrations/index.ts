import { Foundation1764300000000 } from './1764300000000-Foundation.js';
import { Stories1764300001000 } from './1764300001000-Stories.js';
import { Notifications1764300002000 } from './1764300002000-Notifications.js';
import { Moderation1764300003000 } from './1764300003000-Moderation.js';
import { Hardening1764300004000 } from './1764300004000-Hardening.js';
import { Privacy1764300005000 } from './1764300005000-Privacy.js';
import { TotpReplay1764300006000 } from './1764300006000-TotpReplay.js';
import { QueuePaging1764300007000 } from './1764300007000-QueuePaging.js';
import { Outbox1764300009000 } from './1764300009000-Outbox.js';
import { UsernameSkeleton1764300010000 } from './1764300010000-UsernameSkeleton.js';
import { DutyOfCare1764300011000 } from './1764300011000-DutyOfCare.js';
import { Alerts1764300012000 } from './1764300012000-Alerts.js';
import { SupportMessages1764300013000 } from './1764300013000-SupportMessages.js';
import { ReplyTo1764300014000 } from './1764300014000-ReplyTo.js';
import { PseudonymHides1764300015000 } from './1764300015000-PseudonymHides.js';
import { AuthorsArc1764300016000 } from './1764300016000-AuthorsArc.js';
import { StoryDiscovery1764300017000 } from './1764300017000-StoryDiscovery.js';
import { ReplyMode1764300018000 } from './1764300018000-ReplyMode.js';
import { NotificationGroups1764300019000 } from './1764300019000-NotificationGroups.js';

/** Every migration in order; listed by class (not by glob) so the compiled app and jest load the same set. */
export const MIGRATIONS = [Foundation1764300000000, Stories1764300001000, Notifications1764300002000, Moderation1764300003000, Hardening1764300004000, Privacy1764300005000, TotpReplay1764300006000, QueuePaging1764300007000, Outbox1764300009000, UsernameSkeleton1764300010000, DutyOfCare1764300011000, Alerts1764300012000, SupportMessages1764300013000, ReplyTo1764300014000, PseudonymHides1764300015000, AuthorsArc1764300016000, StoryDiscovery1764300017000, ReplyMode1764300018000, NotificationGroups1764300019000];

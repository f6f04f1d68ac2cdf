import { Alert } from '../alerts/alert.entity.js';
import { FollowUpReminder } from '../arc/follow-up-reminder.entity.js';
import { FollowUp } from '../arc/follow-up.entity.js';
import { ReplyHighlight } from '../arc/reply-highlight.entity.js';
import { RecoveryCode } from '../auth/recovery-code.entity.js';
import { Session } from '../auth/session.entity.js';
import { Draft } from '../drafts/draft.entity.js';
import { ModerationLogEntry } from '../moderation/moderation-log.entity.js';
import { Report } from '../moderation/report.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { ThreadMute } from '../notifications/thread-mute.entity.js';
import { PseudonymHide } from '../privacy/pseudonym-hide.entity.js';
import { ReplyReaction } from '../reactions/reply-reaction.entity.js';
import { ThreadReaction } from '../reactions/thread-reaction.entity.js';
import { Reply } from '../replies/reply.entity.js';
import { ModeratorShift } from '../safety/moderator-shift.entity.js';
import { WatchedWord } from '../safety/watched-word.entity.js';
import { Category } from '../stories/category.entity.js';
import { Revision } from '../stories/revision.entity.js';
import { Thread } from '../stories/thread.entity.js';
import { SupportConversation } from '../support/support-conversation.entity.js';
import { SupportMessage } from '../support/support-message.entity.js';
import { Block } from '../users/block.entity.js';
import { User } from '../users/user.entity.js';
import { OutboxRow } from './outbox.entity.js';
import { Setting } from './setting.entity.js';

/**
 * Every entity, listed by class so that tsc output and jest load the same set: one per table, beside the module that
 * owns the table (docs/ownership.md). The schema is the migrations'; these only type the rows (synchronize stays off).
 */
export const ENTITIES = [
  User, Session, Setting, RecoveryCode, Category, Thread, Revision, Reply, ThreadReaction, ReplyReaction, Block, Draft, Notification, ThreadMute,
  Report, ModerationLogEntry, WatchedWord, ModeratorShift, OutboxRow, Alert, SupportMessage, SupportConversation, PseudonymHide,
  FollowUp, FollowUpReminder, ReplyHighlight,
];

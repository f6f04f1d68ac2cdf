import { Session } from '../auth/session.entity.js';
import { User } from '../users/user.entity.js';
import { Setting } from './setting.entity.js';

/** Every entity, listed by class so that tsc output and jest load the same set. */
export const ENTITIES = [User, Session, Setting];

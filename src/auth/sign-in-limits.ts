import { forwardRef, Inject, Injectable } from '@nestjs/common';
import type { RateLimiterRes } from 'rate-limiter-flexible';
// rate-limit.ts imports the realtime adapter (for RedisLink), which imports AuthService, which needs this class: so
// this file can be loaded while rate-limit.ts is half-way, and touches nothing of it until it is used
import * as rateLimit from '../common/rate-limit.js';
import type { RateLimitService } from '../common/rate-limit.js';

/** The pause a failure imposes once an account is `beyond` failures past its ceiling: 2 s, 4 s, 8 s, … up to 5 minutes. */
export const pauseSeconds = (beyond: number): number => Math.min(rateLimit.LIMITS['login.pause'].seconds, 2 ** Math.min(beyond, 16));

const used = (res: RateLimiterRes | null, points: number): boolean => res !== null && res.consumedPoints >= points;

/**
 * Sign-in failures, counted so that a stranger can slow an account down but never lock its owner out. Only
 * failures count (a wrong password, an unknown name, a wrong two-factor code), never a success:
 * - per account and address: ten failures pause that address for that account alone; a success clears them;
 * - per address, over every account: a generous allowance against one client spraying many names (not cleared
 *   by a success, which anyone could produce with an account of their own);
 * - per account from everywhere: past a generous ceiling each further failure pauses the account for twice as
 *   long as the last, but never for an address that signed in to it in the last 14 days. A success clears it.
 * Account recovery has its own limit (`recover.ip`) and shares none of these.
 */
@Injectable()
export class SignInLimits {
  constructor(@Inject(forwardRef(() => rateLimit.RateLimitService)) private readonly limits: RateLimitService) {}

  /** Refuses with 429 before the password is even checked when this address, or this pair, has failed too often. */
  async check(account: string, address: string): Promise<void> {
    const pair = pairKey(account, address);
    const [byPair, byAddress, pause, known] = await Promise.all([
      this.limits.limiter('login.failures.pair').get(pair),
      this.limits.limiter('login.failures.ip').get(address),
      this.limits.limiter('login.pause').get(account),
      this.limits.limiter('login.known').get(pair),
    ]);
    for (const [res, name] of [[byPair, 'login.failures.pair'], [byAddress, 'login.failures.ip']] as const) {
      if (used(res, this.limits.limiter(name).points)) throw rateLimit.rateLimited(res!.msBeforeNext);
    }
    // block() leaves points + 1 consumed: a pause is on exactly while that record lives
    if (!known && pause && pause.consumedPoints > this.limits.limiter('login.pause').points) throw rateLimit.rateLimited(pause.msBeforeNext);
  }

  async failed(account: string, address: string): Promise<void> {
    const accounts = this.limits.limiter('login.failures.account');
    const [, , total] = await Promise.all([
      this.limits.limiter('login.failures.pair').penalty(pairKey(account, address)),
      this.limits.limiter('login.failures.ip').penalty(address),
      accounts.penalty(account),
    ]);
    const beyond = total.consumedPoints - accounts.points;
    if (beyond > 0) await this.limits.limiter('login.pause').block(account, pauseSeconds(beyond));
  }

  /** The owner is in: their failures are forgotten, and this address is theirs for the account's ceiling. */
  async succeeded(account: string, address: string): Promise<void> {
    const pair = pairKey(account, address);
    await Promise.all([
      this.limits.limiter('login.failures.pair').delete(pair),
      this.limits.limiter('login.failures.account').delete(account),
      this.limits.limiter('login.pause').delete(account),
      this.limits.limiter('login.known').set(pair, 1, rateLimit.LIMITS['login.known'].seconds),
    ]);
  }
}

// an address never holds a space, so the last space in a key tells account and address apart
const pairKey = (account: string, address: string): string => `${account} ${address}`;

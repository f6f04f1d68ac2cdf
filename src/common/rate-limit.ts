import { CallHandler, ExecutionContext, Global, Inject, Injectable, Module, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { concatMap, type Observable } from 'rxjs';
import type { Viewer } from '../access/viewer.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { RedisLink } from '../redis/redis-link.js';
import { durationInWords } from './durations.js';
import { DomainError } from './errors.js';

/**
 * Each limit: how many actions per window (multiplied by RATE_LIMIT_SCALE) and what it counts by. `by: 'service'`
 * limits are not counted per request by the decorator but by the service that owns them (sign-in failures).
 */
export const LIMITS = {
  'login.failures.pair': { points: 10, seconds: 900, by: 'service' },
  'login.failures.ip': { points: 30, seconds: 900, by: 'service' },
  'login.failures.account': { points: 50, seconds: 3600, by: 'service' },
  // not counters: a pause an account's failures impose (set with block), and the addresses it signed in from (set with set)
  'login.pause': { points: 1, seconds: 300, by: 'service' },
  'login.known': { points: 1, seconds: 14 * 86_400, by: 'service' }, // under 2^31 ms: the memory limiter's timers
  // accounts created from an address: a refused attempt (a taken name, a weak password) costs nothing
  'register.ip': { points: 5, seconds: 3600, by: 'ip', onSuccess: true },
  'recover.ip': { points: 10, seconds: 3600, by: 'ip' },
  'thread.create': { points: 6, seconds: 3600, by: 'member', newMember: 2 },
  'reply.create': { points: 30, seconds: 600, by: 'member', newMember: 10 },
  'followup.create': { points: 10, seconds: 3600, by: 'member' },
  'report.create': { points: 20, seconds: 3600, by: 'member' },
  // the composer's preview (three parts per look, after a pause in typing) and its safety check before publishing
  'preview.render': { points: 300, seconds: 600, by: 'member' },
  'safety.check': { points: 30, seconds: 600, by: 'member' },
  // the reply box's check of a draft, after each pause in typing (stale ones are abandoned by the client, not here)
  'reply.check': { points: 200, seconds: 600, by: 'member' },
  // similar stories while composing (after a pause in typing), like the preview
  'threads.similar': { points: 300, seconds: 600, by: 'member' },
  // a member's messages to the team, and one moderator's messages to members (check-ins after alerts come in bursts)
  'support.write': { points: 20, seconds: 3600, by: 'member', newMember: 10 },
  'support.reply': { points: 120, seconds: 3600, by: 'member' },
} as const satisfies Record<string, { points: number; seconds: number; by: 'ip' | 'member' | 'service'; newMember?: number; onSuccess?: boolean }>;

export type LimitName = keyof typeof LIMITS;
/** The limits a route decorator may name: those counted once per request. */
export type RouteLimitName = { [K in LimitName]: (typeof LIMITS)[K]['by'] extends 'service' ? never : K }[LimitName];
const RATE_LIMITS = 'setback:rate-limits';
const DAY_MS = 86_400_000;

/** Limits a route; several names apply together (e.g. per address and per account). */
export const RateLimit = (...names: RouteLimitName[]): MethodDecorator => SetMetadata(RATE_LIMITS, names);

/** The 429 every limit answers with, its wait rounded up to whole seconds (also sent as Retry-After). */
export function rateLimited(msBeforeNext: number): DomainError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError('RATE_LIMITED', `That is a lot in a short time. Please wait ${durationInWords(retryAfter * 1000)} and try again.`, { retryAfter });
}

/**
 * Counters live in Redis when REDIS_URL is set, so every instance shares them; if Redis is lost, each
 * instance falls back to its own memory (rate-limiter-flexible's insurance limiter) rather than failing.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisLink,
  ) {}

  /** The limiter behind a name, shared by every instance through Redis; `by: 'service'` limits are used through it directly. */
  limiter(name: LimitName, newMember = false): RateLimiterAbstract {
    const key = `${name}:${newMember ? 'new' : 'all'}`;
    let l = this.limiters.get(key);
    if (l) return l;
    const spec = LIMITS[name] as { points: number; seconds: number; newMember?: number };
    const points = Math.max(1, Math.floor((newMember && spec.newMember ? spec.newMember : spec.points) * this.config.rateLimitScale));
    const opts = { points, duration: spec.seconds, keyPrefix: `${this.config.redisPrefix}rl:${key}` };
    const memory = new RateLimiterMemory(opts);
    l = this.redis.pub ? new RateLimiterRedis({ ...opts, storeClient: this.redis.pub, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
    this.limiters.set(key, l);
    return l;
  }

  /** Refuses when the allowance is used up, without counting this request (for limits that count successes only). */
  async check(name: LimitName, subject: string, newMember = false): Promise<void> {
    const limiter = this.limiter(name, newMember);
    const res = await limiter.get(subject);
    if (res && res.consumedPoints >= limiter.points) throw rateLimited(res.msBeforeNext);
  }

  async consume(name: LimitName, subject: string, newMember = false): Promise<void> {
    try {
      await this.limiter(name, newMember).consume(subject);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(e.msBeforeNext);
      throw e;
    }
  }
}

@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const names = this.reflector.get<RouteLimitName[] | undefined>(RATE_LIMITS, ctx.getHandler());
    // `onSuccess` limits are checked before and counted only once the handler has succeeded
    const onSuccess: (() => Promise<unknown>)[] = [];
    if (names?.length && ctx.getType() === 'http') {
      const req = ctx.switchToHttp().getRequest<Request & { viewer?: Viewer }>();
      for (const name of names) {
        const spec = LIMITS[name];
        // req.ip honours X-Forwarded-For only when TRUST_PROXY is set
        const subject = spec.by === 'ip' ? (req.ip ?? 'unknown') : (req.viewer?.id ?? null);
        if (subject === null) continue;
        const isNew = !!req.viewer && Date.now() - req.viewer.createdAt.getTime() < DAY_MS;
        if ('onSuccess' in spec && spec.onSuccess) {
          await this.limits.check(name, subject, isNew);
          onSuccess.push(() => this.limits.limiter(name, isNew).penalty(subject));
        } else await this.limits.consume(name, subject, isNew);
      }
    }
    if (!onSuccess.length) return next.handle();
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await Promise.all(onSuccess.map((count) => count()));
        return body;
      }),
    );
  }
}

/** One RateLimitService for the whole app (the interceptor and the services that count for themselves share its limiters). */
@Global()
@Module({ providers: [RateLimitService], exports: [RateLimitService] })
export class RateLimitModule {}

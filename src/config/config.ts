import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Human lines for a terminal, JSON lines for machines. */
export type LogFormat = 'pretty' | 'json';

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** Folder of the embedded database; `memory:` keeps it in memory (tests). */
  dataDir: string;
  redisUrl: string | null;
  redisPrefix: string;
  publicOrigin: string | null;
  secureCookies: boolean;
  appSecret: string | null;
  trustProxy: boolean;
  rateLimitScale: number;
  reviewFirstPosts: number;
  logLevel: LogLevel;
  /** LOG_FORMAT `pretty` or `json`; `auto` (the default) is pretty when stdout is a terminal, JSON otherwise. */
  logFormat: LogFormat;
  metricsToken: string | null;
  /** Runs the demo seed on a brand-new embedded database (npm start). */
  seedNewEmbedded: boolean;
  clientDir: string;
  crisisResources: CrisisResource[];
  /** Mean event-loop lag (ms) beyond which new reads get a fast 503; 0 turns shedding off. */
  overloadLagMs: number;
  /** How long a query waits for the embedded database's one session before it fails (a deadlock breaker). */
  embeddedBusyTimeoutMs: number;
  /** EMBEDDED_WASM_OPTIMIZE: let V8 optimize PGlite's WebAssembly (faster embedded reads, more memory) */
  embeddedWasmOptimize: boolean;
  /** Staff must use two-factor sign-in before any moderation route answers them. */
  requireStaff2fa: boolean;
  /** SAFETY_MODE: `auto` (on while no moderator is on duty), or always `on` or `off`. */
  safetyMode: SafetyModeSetting;
  /** DUTY_SHIFT_HOURS: a moderator's shift ends by itself after this many hours. */
  dutyShiftHours: number;
  /** SAFETY_HOLD_NEW_DAYS: in safety mode, stories of accounts younger than this many days wait for a moderator (0 = off). */
  safetyHoldNewDays: number;
}

export type SafetyModeSetting = 'auto' | 'on' | 'off';

export interface CrisisResource {
  name: string;
  description: string;
  url?: string;
  phone?: string;
}

/** A sensible international default; CRISIS_RESOURCES (a JSON array) replaces it with local services. */
export const DEFAULT_CRISIS_RESOURCES: CrisisResource[] = [
  { name: 'Emergency services', description: 'If you or someone else is in immediate danger, call your local emergency number now (112 in Europe, 911 in North America, 999 in the UK, 000 in Australia).' },
  { name: 'Find A Helpline', url: 'https://findahelpline.com', description: 'Free, confidential crisis lines in over 130 countries, by phone, text or chat.' },
  { name: 'Befrienders Worldwide', url: 'https://www.befrienders.org', description: 'Emotional support centres around the world for anyone in distress.' },
  { name: '988 Suicide & Crisis Lifeline (US)', phone: '988', url: 'https://988lifeline.org', description: 'Call or text 988, any time.' },
  { name: 'Samaritans (UK & Ireland)', phone: '116 123', url: 'https://www.samaritans.org', description: 'Free to call, day or night.' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the environment once, so a bad value stops the boot with a message naming the variable.
 * `terminal`: whether stdout is a terminal (decides LOG_FORMAT=auto).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, terminal = process.stdout.isTTY === true): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return Number(raw);
  };
  const num = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return def;
    if (/^(1|true|yes)$/i.test(raw)) return true;
    if (/^(0|false|no)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return def;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error();
      return raw;
    } catch {
      problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return null;
    }
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '0.0.0.0';
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDirRaw = str('DATA_DIR') ?? './data';
  const dataDir = dataDirRaw === 'memory:' ? 'memory:' : resolve(dataDirRaw);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const redisPrefix = str('REDIS_PREFIX') ?? 'setback:';
  let publicOrigin = url('PUBLIC_ORIGIN', ['http:', 'https:']);
  if (publicOrigin) publicOrigin = new URL(publicOrigin).origin;
  const appSecret = str('APP_SECRET');
  if (appSecret !== null && appSecret.length < 32) problems.push('APP_SECRET must be at least 32 characters long (or unset, to generate one)');
  const logLevel = (str('LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  const logFormatRaw = (str('LOG_FORMAT') ?? 'auto').toLowerCase();
  if (!['auto', 'pretty', 'json'].includes(logFormatRaw)) problems.push(`LOG_FORMAT must be auto, pretty or json (got "${env.LOG_FORMAT}")`);
  const logFormat: LogFormat = logFormatRaw === 'pretty' || (logFormatRaw === 'auto' && terminal) ? 'pretty' : 'json';

  const config: AppConfig = {
    port,
    host,
    databaseUrl,
    dataDir,
    redisUrl,
    redisPrefix,
    publicOrigin,
    secureCookies: publicOrigin?.startsWith('https:') ?? false,
    appSecret,
    trustProxy: bool('TRUST_PROXY', false),
    rateLimitScale: num('RATE_LIMIT_SCALE', 1, 0.01, 1_000_000),
    reviewFirstPosts: int('REVIEW_FIRST_POSTS', 0, 0, 100),
    logLevel,
    logFormat,
    metricsToken: str('METRICS_TOKEN'),
    seedNewEmbedded: bool('SEED_NEW_EMBEDDED', true),
    clientDir: resolve(str('CLIENT_DIR') ?? './client/dist'),
    crisisResources: DEFAULT_CRISIS_RESOURCES,
    overloadLagMs: num('OVERLOAD_LAG_MS', 250, 0, 60_000),
    embeddedBusyTimeoutMs: num('EMBEDDED_BUSY_TIMEOUT_MS', 15_000, 1_000, 600_000),
    embeddedWasmOptimize: bool('EMBEDDED_WASM_OPTIMIZE', false),
    requireStaff2fa: bool('REQUIRE_STAFF_2FA', false),
    safetyMode: (str('SAFETY_MODE') ?? 'auto').toLowerCase() as SafetyModeSetting,
    dutyShiftHours: num('DUTY_SHIFT_HOURS', 4, 0.25, 24),
    safetyHoldNewDays: int('SAFETY_HOLD_NEW_DAYS', 0, 0, 365),
  };
  if (!['auto', 'on', 'off'].includes(config.safetyMode)) problems.push(`SAFETY_MODE must be auto, on or off (got "${env.SAFETY_MODE}")`);
  const resources = str('CRISIS_RESOURCES');
  if (resources !== null) {
    try {
      const list = JSON.parse(resources) as unknown;
      if (!Array.isArray(list) || !list.length || !list.every((r) => r && typeof r.name === 'string' && typeof r.description === 'string')) throw new Error();
      config.crisisResources = list as CrisisResource[];
    } catch {
      problems.push('CRISIS_RESOURCES must be a JSON array of {name, description, url?, phone?}');
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

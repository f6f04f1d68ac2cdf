import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';

/** APP_SECRET keys pseudonyms and cursors; when unset it is generated once and kept in the database. */
@Injectable()
export class SecretsService implements OnModuleInit {
  private secret: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.appSecret) {
      this.secret = this.config.appSecret;
      return;
    }
    // ON CONFLICT: instances starting together must all end up with the one stored secret
    await this.dataSource.query(`INSERT INTO settings (key, value) VALUES ('app_secret', $1) ON CONFLICT (key) DO NOTHING`, [
      randomBytes(32).toString('base64url'),
    ]);
    const rows: { value: string }[] = await this.dataSource.query(`SELECT value FROM settings WHERE key = 'app_secret'`);
    this.secret = rows[0].value;
  }

  get appSecret(): string {
    return this.secret;
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { OpenDatabase } from './data-source.js';
import { OutboxService } from './outbox.service.js';
import { SecretsService } from './secrets.service.js';

@Global()
@Module({})
export class DatabaseModule {
  /** The database is opened (and migrated) before Nest starts, so the CLI and the app share one code path. */
  static forRoot(db: OpenDatabase): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => db.dataSource.options,
          dataSourceFactory: async () => db.dataSource,
        }),
      ],
      providers: [SecretsService, OutboxService, { provide: 'OPEN_DATABASE', useValue: db }],
      exports: [SecretsService, OutboxService, 'OPEN_DATABASE'],
    };
  }
}

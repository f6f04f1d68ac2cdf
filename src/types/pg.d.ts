// pg ships no types (TypeORM drives it untyped); only the LISTEN connection of src/database/access-signal.ts uses it directly.
declare module 'pg' {
  export interface Notification {
    processId: number;
    channel: string;
    payload?: string;
  }
  export interface ClientConfig {
    connectionString?: string;
    connectionTimeoutMillis?: number;
    keepAlive?: boolean;
  }
  export class Client {
    constructor(config?: ClientConfig);
    connect(): Promise<void>;
    query(sql: string, values?: unknown[]): Promise<unknown>;
    end(): Promise<void>;
    on(event: 'notification', listener: (message: Notification) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }
  const pg: { Client: typeof Client };
  export default pg;
}

import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { RealtimeService } from './realtime.service.js';

/** Thin edge: each handler is one call into RealtimeService, which answers through the ack. */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly realtime: RealtimeService) {}

  afterInit(server: Server): void {
    this.realtime.attach(server);
  }

  handleConnection(socket: Socket): void {
    this.realtime.onConnection(socket);
  }

  handleDisconnect(socket: Socket): void {
    this.realtime.onDisconnect(socket);
  }

  @SubscribeMessage('thread.join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.realtime.join(socket, body);
  }

  @SubscribeMessage('thread.leave')
  leave(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.realtime.leave(socket, body);
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.realtime.typingEvent(socket, body);
  }
}

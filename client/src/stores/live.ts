// The live connection (socket.io, same origin, cookie auth): one per signed-in session. An EventTarget that
// says 'change' when its state moves between connecting, online and offline, and re-dispatches every server
// event as a LiveEvent named after it ('reply.created', 'notification', …).
//
// A story screen opens a thread with openThread(); the store joins it whenever the socket (re)connects (see
// live-core.ts, the browser-free part that the cluster test runs too). This file is the browser's host for it:
// the same-origin socket, REST pages through api.ts, and the window's online/offline events.
import { io } from 'socket.io-client';
import type { Page } from '../../../src/contract/views.js';
import { api, qs, seg } from '../api.js';
import { LiveStore, type AnyReply } from './live-core.js';

export { LiveEvent, LiveStore } from './live-core.js';
export type { Ack, AnyReply, LiveState, ServerEventMap, ServerEventName, ThreadSink, ThreadUpdate } from './live-core.js';

export const live = new LiveStore({
  connect: (options) => io(options),
  replies: (threadId, after, limit) => api.get<Page<AnyReply>>(`/threads/${seg(threadId)}/replies${qs({ after, limit })}`),
  online: () => navigator.onLine !== false,
  watchNetwork: (offline, online) => {
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    };
  },
});

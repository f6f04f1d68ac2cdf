// The moderators' code, as one chunk loaded on demand (a dynamic import from main.ts and the story screen):
// members never download it.
export { moderationScreen, type ModTab } from './moderation.js';
export { replyPanel, threadTools } from './story-tools.js';

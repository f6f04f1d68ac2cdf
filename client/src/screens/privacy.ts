// /privacy (public): what Setback keeps and who sees what, from GET /api/privacy {title, text}.
import { textPageScreen } from './text-page.js';

export const privacyScreen = textPageScreen('/privacy', 'Privacy', 'privacy');

import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators.js';

export const GUIDELINES = {
  title: 'Community guidelines',
  text: [
    'Setback is a place to tell the story of something that went wrong — what happened, how you handled it, and what you learned — and to answer other people kindly.',
    'Be kind. People here are often at a low moment. Answer the way you would want to be answered: with care, without judgement, without lecturing.',
    'Share your own experience, not verdicts. "When this happened to me…" helps more than "you should have…".',
    'Keep it private. Do not share anyone else\'s personal details, and do not try to find out who is behind an anonymous story.',
    'No harassment, hate, spam or advertising. Moderators may hide posts and suspend or ban accounts that break these rules, and will tell you why.',
    'Setback is peer support, not professional help. If you or someone else is in danger, contact local emergency services or a crisis line right away.',
    'Report what worries you. The report button goes to the moderators, who read every report.',
  ].join('\n\n'),
};

@ApiTags('auth')
@Controller()
export class GuidelinesController {
  @Public()
  @Get('guidelines')
  guidelines() {
    return GUIDELINES;
  }
}

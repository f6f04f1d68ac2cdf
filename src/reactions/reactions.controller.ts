import { Controller, Delete, Param, ParseEnumPipe, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { DomainError } from '../common/errors.js';
import type { ReactionKind } from '../contract/views.js';
import { ReactionsService } from './reactions.service.js';

const KINDS = { relate: 'relate', thanks: 'thanks', helped: 'helped' } as const;
const kindPipe = new ParseEnumPipe(KINDS, {
  exceptionFactory: () => new DomainError('VALIDATION_FAILED', 'kind must be one of relate, thanks, helped', { errors: [{ field: 'kind', message: 'kind must be one of relate, thanks, helped' }] }),
});

@ApiTags('reactions')
@Controller()
export class ReactionsController {
  constructor(private readonly reactions: ReactionsService) {}

  @Put('threads/:id/reactions/:kind')
  reactToThread(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('kind', kindPipe) kind: ReactionKind) {
    return this.reactions.setOnThread(viewer, id, kind, true);
  }

  @Delete('threads/:id/reactions/:kind')
  unreactToThread(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('kind', kindPipe) kind: ReactionKind) {
    return this.reactions.setOnThread(viewer, id, kind, false);
  }

  @Put('replies/:id/reactions/:kind')
  reactToReply(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('kind', kindPipe) kind: ReactionKind) {
    return this.reactions.setOnReply(viewer, id, kind, true);
  }

  @Delete('replies/:id/reactions/:kind')
  unreactToReply(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('kind', kindPipe) kind: ReactionKind) {
    return this.reactions.setOnReply(viewer, id, kind, false);
  }
}

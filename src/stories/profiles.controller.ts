import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { notFound } from '../common/errors.js';
import { UsersService, toUserView } from '../users/users.service.js';
import { StoriesService } from './stories.service.js';
import { PageQuery } from './thread.dto.js';

@ApiTags('members')
@Controller('users')
export class ProfilesController {
  constructor(
    private readonly users: UsersService,
    private readonly stories: StoriesService,
  ) {}

  /** A member's profile: who they are and their named stories (anonymous ones never appear here). */
  @Get(':username')
  async profile(@CurrentViewer() viewer: Viewer, @Param('username') username: string, @Query() q: PageQuery) {
    if (!/^[A-Za-z0-9_]{3,32}$/.test(username)) throw notFound('That member');
    const user = await this.users.findByUsername(username);
    if (!user || user.bannedAt || user.deletedAt) throw notFound('That member');
    return { ...toUserView(user), stories: await this.stories.listByAuthor(viewer, user.id, q.cursor, q.limit ?? 20) };
  }
}

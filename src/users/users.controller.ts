import { Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { BlocksService } from './blocks.service.js';

/** Members, by username: `/users/:username/...`. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly blocks: BlocksService) {}

  @Put(':username/block')
  @HttpCode(200)
  block(@CurrentViewer() viewer: Viewer, @Param('username') username: string) {
    return this.blocks.block(viewer, username);
  }

  @Delete(':username/block')
  @HttpCode(200)
  unblock(@CurrentViewer() viewer: Viewer, @Param('username') username: string) {
    return this.blocks.unblock(viewer, username);
  }
}

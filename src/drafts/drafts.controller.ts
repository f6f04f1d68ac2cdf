import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { SaveDraftDto } from './draft.dto.js';
import { DraftsService } from './drafts.service.js';

@ApiTags('drafts')
@Controller('drafts')
export class DraftsController {
  constructor(private readonly drafts: DraftsService) {}

  @Get()
  list(@CurrentViewer() viewer: Viewer) {
    return this.drafts.list(viewer);
  }

  @Put(':key')
  save(@CurrentViewer() viewer: Viewer, @Param('key') key: string, @Body() dto: SaveDraftDto) {
    return this.drafts.save(viewer, key, dto.data);
  }

  @Delete(':key')
  @HttpCode(204)
  remove(@CurrentViewer() viewer: Viewer, @Param('key') key: string): Promise<void> {
    return this.drafts.remove(viewer, key);
  }
}

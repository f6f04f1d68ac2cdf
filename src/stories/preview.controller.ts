import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { AllowSuspended } from '../common/decorators.js';
import { renderMarkdown, withinMarkupBudget } from '../common/markdown.js';
import { RateLimit } from '../common/rate-limit.js';
import { NoNul } from '../common/validators.js';

export class PreviewDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString({ message: 'markdown must be text' })
  @NoNul('markdown')
  @MaxLength(20_000, { message: 'markdown must be at most 20,000 characters long' })
  markdown: string;
}

@ApiTags('stories')
@Controller('preview')
export class PreviewController {
  /**
   * The composer's preview uses exactly the rendering and sanitizing that publishing will; nothing is stored.
   * `formatted: false` says the text carries too much markup to render and is shown as plain text (see renderMarkdown).
   */
  @Post()
  @HttpCode(200)
  @AllowSuspended()
  @RateLimit('preview.render')
  preview(@Body() dto: PreviewDto) {
    return { html: renderMarkdown(dto.markdown), formatted: withinMarkupBudget(dto.markdown) };
  }
}

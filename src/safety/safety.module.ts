import { Module } from '@nestjs/common';
import { SafetyController } from './safety.controller.js';
import { SafetyService } from './safety.service.js';
import { WatchedWordsService } from './watched-words.service.js';

@Module({
  controllers: [SafetyController],
  providers: [SafetyService, WatchedWordsService],
  exports: [SafetyService, WatchedWordsService],
})
export class SafetyModule {}

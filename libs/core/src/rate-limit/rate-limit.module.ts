import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitBucketEntity } from './rate-limit-bucket.entity';
import { RateLimiterService } from './rate-limiter.service';

@Module({
  imports: [TypeOrmModule.forFeature([RateLimitBucketEntity])],
  providers: [RateLimiterService],
  exports: [RateLimiterService],
})
export class RateLimitModule {}

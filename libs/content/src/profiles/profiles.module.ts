import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { ProfileRepository } from './profile.repository';
import { ProfileResolver } from './profile.resolver';
import { ProfileService } from './profile.service';

/** Profiles: display name, bio, avatar and header, fields (updateProfile). */
@Module({
  imports: [MediaModule],
  providers: [ProfileRepository, ProfileService, ProfileResolver],
  exports: [ProfileService],
})
export class ProfilesModule {}

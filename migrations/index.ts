// Every migration, in order. Written by `npm run migration:generate`; do not edit by hand.
import { CreateIdentity1795317000691 } from './1795317000691-CreateIdentity';
import { CreateContentAndSocial1795318604478 } from './1795318604478-CreateContentAndSocial';
import { CreateFederationKeys1795321712102 } from './1795321712102-CreateFederationKeys';
import { CreateFederationInboxAndModeration1795324851660 } from './1795324851660-CreateFederationInboxAndModeration';
import { CreateCooperative1795328822379 } from './1795328822379-CreateCooperative';
import { GuardLedgerAppendOnly1795328822380 } from './1795328822380-GuardLedgerAppendOnly';
import { AddCoopEventSnapshotJson1795330400910 } from './1795330400910-AddCoopEventSnapshotJson';
import { CreateCoopGovernance1795331903856 } from './1795331903856-CreateCoopGovernance';
import { CreateCapitalPolicies1795334797424 } from './1795334797424-CreateCapitalPolicies';
import { LinkRemoteMedia1795336382902 } from './1795336382902-LinkRemoteMedia';
import { TrackDomainPurges1795337457754 } from './1795337457754-TrackDomainPurges';
import { SecureCredentials1796544203566 } from './1796544203566-SecureCredentials';
import { KeepTombstoneActors1796544616973 } from './1796544616973-KeepTombstoneActors';
import { ForgetUnconfirmedKeys1796544616974 } from './1796544616974-ForgetUnconfirmedKeys';
import { CreateDomainEventOutbox1796544856391 } from './1796544856391-CreateDomainEventOutbox';
import { PseudonymisePublishedSnapshots1796545351581 } from './1796545351581-PseudonymisePublishedSnapshots';
import { AddOAuthApplications1796554873072 } from './1796554873072-AddOAuthApplications';
import { AddMediaPreviewsAndFocus1796554950426 } from './1796554950426-AddMediaPreviewsAndFocus';
import { CreatePolls1796556125650 } from './1796556125650-CreatePolls';
import { AddAccountDomainBlocks1796556437642 } from './1796556437642-AddAccountDomainBlocks';
import { AddLists1796556497377 } from './1796556497377-AddLists';
import { AddPinsMutesScheduledPostsAndIdempotencyKeys1796556627150 } from './1796556627150-AddPinsMutesScheduledPostsAndIdempotencyKeys';
import { AddConversationMarks1796557093572 } from './1796557093572-AddConversationMarks';
import { AddFollowedHashtags1796557388474 } from './1796557388474-AddFollowedHashtags';
import { AddWebPushSubscriptions1796559584236 } from './1796559584236-AddWebPushSubscriptions';
import { AddReadMarkers1796559584711 } from './1796559584711-AddReadMarkers';
import { AddFilters1796560020469 } from './1796560020469-AddFilters';
import { AddAuditEntries1796566401129 } from './1796566401129-AddAuditEntries';
import { AddTimedMutesAndReportCategories1796566420152 } from './1796566420152-AddTimedMutesAndReportCategories';
import { DrawOpenPeriodKeys1796566670595 } from './1796566670595-DrawOpenPeriodKeys';
import { AddCoopWebhookDeliveries1796566726824 } from './1796566726824-AddCoopWebhookDeliveries';
import { AddFollowOptionsAndNotificationTypes1796570444210 } from './1796570444210-AddFollowOptionsAndNotificationTypes';
import { AddFollowLanguages1796577976631 } from './1796577976631-AddFollowLanguages';
import { AddPostEditPollOptions1796590344080 } from './1796590344080-AddPostEditPollOptions';
import { AddPublishedParts1796636676227 } from './1796636676227-AddPublishedParts';
import { KeepInternalSnapshotEventsInPlace1796646089698 } from './1796646089698-KeepInternalSnapshotEventsInPlace';
import { FreezeClosedPeriods1796700000000 } from './1796700000000-FreezeClosedPeriods';

export const MIGRATIONS = [
  CreateIdentity1795317000691,
  CreateContentAndSocial1795318604478,
  CreateFederationKeys1795321712102,
  CreateFederationInboxAndModeration1795324851660,
  CreateCooperative1795328822379,
  GuardLedgerAppendOnly1795328822380,
  AddCoopEventSnapshotJson1795330400910,
  CreateCoopGovernance1795331903856,
  CreateCapitalPolicies1795334797424,
  LinkRemoteMedia1795336382902,
  TrackDomainPurges1795337457754,
  SecureCredentials1796544203566,
  KeepTombstoneActors1796544616973,
  ForgetUnconfirmedKeys1796544616974,
  CreateDomainEventOutbox1796544856391,
  PseudonymisePublishedSnapshots1796545351581,
  AddOAuthApplications1796554873072,
  AddMediaPreviewsAndFocus1796554950426,
  CreatePolls1796556125650,
  AddAccountDomainBlocks1796556437642,
  AddLists1796556497377,
  AddPinsMutesScheduledPostsAndIdempotencyKeys1796556627150,
  AddConversationMarks1796557093572,
  AddFollowedHashtags1796557388474,
  AddWebPushSubscriptions1796559584236,
  AddReadMarkers1796559584711,
  AddFilters1796560020469,
  AddAuditEntries1796566401129,
  AddTimedMutesAndReportCategories1796566420152,
  DrawOpenPeriodKeys1796566670595,
  AddCoopWebhookDeliveries1796566726824,
  AddFollowOptionsAndNotificationTypes1796570444210,
  AddFollowLanguages1796577976631,
  AddPostEditPollOptions1796590344080,
  AddPublishedParts1796636676227,
  KeepInternalSnapshotEventsInPlace1796646089698,
  FreezeClosedPeriods1796700000000,
];

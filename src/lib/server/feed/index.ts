// The partner feed's server domain: routes and endpoints import from here only.
export {
	readableChannel,
	readableChannelIds,
	readableChannels,
	visibleContributions,
	visiblePost,
	visibleReactor,
	loadChannelFacts,
	loadPostFacts,
	type PostFacts
} from './access.ts';
export { plainText, snippet, postLink } from './common.ts';
export {
	listChannels,
	getChannel,
	createChannel,
	updateChannel,
	setMembership,
	ensurePartnerChannel,
	partnerChannelId,
	type ChannelChange
} from './channels.ts';
export { createPost, createComment, editPost, deletePost, pinPost } from './posts.ts';
export { toggleReaction } from './reactions.ts';
export {
	timeline,
	pinnedPosts,
	getPost,
	listComments,
	reactionsOf,
	type TimelineInput
} from './timeline.ts';
export { mentionCandidates, referenceCandidates } from './mentions.ts';
export { reportPost, moderatePost, listReports, countOpenReports } from './moderation.ts';
export {
	getFeedPreferences,
	setFeedPreferences,
	sendDailyDigests,
	scheduleFeedJobs,
	feedJobHandlers,
	FEED_DIGEST_JOB,
	type FeedPreferences
} from './digest.ts';
export { bridgeActivity, FEED_ACTIVITY_VERBS } from './bridge.ts';
export { FEED_NOTIFICATION_KINDS } from './notify.ts';
export { postsProvider } from './search.ts';

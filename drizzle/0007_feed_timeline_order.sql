DROP INDEX "feed_posts_timeline_idx";--> statement-breakpoint
DROP INDEX "feed_posts_channel_idx";--> statement-breakpoint
CREATE INDEX "feed_posts_timeline_idx" ON "feed_posts" USING btree ("created_at","id") WHERE "feed_posts"."parent_id" is null;--> statement-breakpoint
CREATE INDEX "feed_posts_channel_idx" ON "feed_posts" USING btree ("channel_id","created_at","id") WHERE "feed_posts"."parent_id" is null;
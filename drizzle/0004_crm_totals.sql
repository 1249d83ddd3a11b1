CREATE TABLE "pipeline_stage_totals" (
	"stage" text NOT NULL,
	"direct" boolean NOT NULL,
	"owner_id" uuid,
	"region_id" uuid,
	"close_month" date,
	"deals" bigint DEFAULT 0 NOT NULL,
	"amount_cents" bigint DEFAULT 0 NOT NULL,
	"weighted_cents_x100" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "pipeline_stage_totals_key" UNIQUE NULLS NOT DISTINCT("stage","direct","owner_id","region_id","close_month")
);
--> statement-breakpoint
CREATE INDEX "opportunities_stage_close_keyset_idx" ON "opportunities" USING btree ("stage","close_date","id") WHERE "opportunities"."deleted_at" is null;
-- Plan comments wrote mentions as `@[Name](<uuid>)`, a name inside the body; they are now the one
-- token of feed and plans alike, `@[user:<uuid>]`, the name resolved for each reader.
UPDATE "plan_comments" SET "body" = regexp_replace("body", '@\[[^]\n]{1,80}\]\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)', '@[user:\1]', 'g') WHERE "body" LIKE '%@[%](%)%';

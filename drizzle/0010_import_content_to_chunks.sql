-- Imports stored before chunks keep their file: its text becomes one UTF-8 chunk.
INSERT INTO "import_chunks" ("import_id", "seq", "bytes") SELECT "id", 0, convert_to("content", 'UTF8') FROM "import_jobs" WHERE "content" <> '';--> statement-breakpoint
ALTER TABLE "import_jobs" DROP COLUMN "content";

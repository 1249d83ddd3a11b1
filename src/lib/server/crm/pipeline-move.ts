import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { opportunities } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import type { Stage } from '../../shared/enums.ts';
import { changeOpportunityStage } from './opportunities.ts';
import type { Actor } from '../access/actor.ts';
import type { CommandContext } from '../command.ts';

// A stage move from the pipeline: the records module's command (policy, version, history, audit,
// activity) plus the live event every open board listens to, in the same transaction, so the
// event goes out only if the move commits.

export async function moveOpportunityStage(
	db: Db,
	actor: Actor,
	input: { id: string; version: number; stage: Stage; lostReason?: string | null },
	context: CommandContext = {}
): Promise<{ id: string; version: number; changed: boolean }> {
	return db.transaction(async (tx) => {
		const result = await changeOpportunityStage(tx, actor, input, context);
		if (!result.changed) return result;
		const [row] = await tx
			.select({ partnerId: opportunities.partnerId })
			.from(opportunities)
			.where(eq(opportunities.id, result.id));
		await publishLiveEvent(tx, {
			type: 'opportunity.changed',
			// The host and the deal's partner (null: the host only).
			audience: { organisation: row?.partnerId ?? null },
			data: { id: result.id, stage: input.stage, version: result.version }
		});
		return result;
	});
}

import { z } from 'zod';
import { idSchema } from '../ids.ts';
import { STAGES, type Stage } from '../enums.ts';

// Input of the pipeline page (/pipeline): filters and sort come from the URL and are lenient (a
// value that does not parse is dropped, so an old bookmark still opens); the stage move is a form.

export const CLOSE_PERIODS = [
	'this_month',
	'this_quarter',
	'next_quarter',
	'overdue',
	'custom'
] as const;
export type ClosePeriod = (typeof CLOSE_PERIODS)[number];

export const PIPELINE_VIEWS = ['board', 'table'] as const;
export type PipelineView = (typeof PIPELINE_VIEWS)[number];

export const PIPELINE_SORTS = ['close', 'amount', 'name'] as const;
export type PipelineSort = (typeof PIPELINE_SORTS)[number];

/** The partner filter's value for the host's own deals (no partner). */
export const DIRECT_PARTNER = 'direct';

export const LOST_REASON_MAX = 500;

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const day = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/)
	.refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)));

export const pipelineQuerySchema = z.object({
	view: z.enum(PIPELINE_VIEWS).catch('board').default('board'),
	owner: lenient(idSchema),
	partner: lenient(z.union([idSchema, z.literal(DIRECT_PARTNER)])),
	region: lenient(idSchema),
	stage: lenient(z.enum(STAGES)),
	period: lenient(z.enum(CLOSE_PERIODS)),
	from: lenient(day),
	to: lenient(day),
	sort: z.enum(PIPELINE_SORTS).catch('close').default('close'),
	dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
	after: lenient(idSchema)
});
export type PipelineQuery = z.output<typeof pipelineQuerySchema>;

export const moveOpportunitySchema = z
	.object({
		id: idSchema,
		version: z.coerce.number().int().min(1),
		stage: z.enum(STAGES),
		lostReason: z
			.string()
			.trim()
			.max(LOST_REASON_MAX)
			.optional()
			.transform((v) => (v ? v : undefined))
	})
	.refine((v) => v.stage !== 'lost' || Boolean(v.lostReason), {
		path: ['lostReason'],
		message: 'crm_pipeline_lost_reason_required'
	});
export type MoveOpportunityInput = z.output<typeof moveOpportunitySchema>;

/** One deal as the board and the table show it. */
export type PipelineCard = {
	id: string;
	name: string;
	version: number;
	stage: Stage;
	amountCents: number;
	probability: number;
	closeDate: string | null;
	accountId: string;
	accountName: string;
	partnerId: string | null;
	partnerName: string | null;
	ownerId: string | null;
	ownerName: string | null;
	/** May this person move it (canEditCrmRecord)? */
	canEdit: boolean;
};

export type StageTotal = {
	stage: Stage;
	count: number;
	amountCents: number;
	/** Σ amount × probability / 100, rounded to the cent. */
	weightedCents: number;
};

export type PipelineColumn = StageTotal & { cards: PipelineCard[] };

import { z } from 'zod'

/**
 * Empirical's contract, from its API reference ("Empirical API 1.0.0": test-runs trigger, list,
 * get, cancel; docs.empirical.run, read 2026-11) and, where the reference shows no schema, from
 * what Empirical's own dashboard tests read (empirical-run/flash-tests, `tests/pages/*.ts`).
 * Written by us from those sources; the simulator validates requests and answers with them.
 */

/** `PUT /api/test-runs` body [reference: trigger a test run]. `environment` is required. */
export const triggerRequestSchema = z.strictObject({
  environment: z.string().min(1),
  build: z
    .strictObject({
      url: z.string().optional(),
      branch: z.string().optional(),
      commit: z.string().optional(),
      commit_url: z.string().optional(),
      version: z.string().optional()
    })
    .optional(),
  // "Values must be strings or numbers"
  metadata: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  environment_variables_overrides: z
    .array(z.strictObject({ name: z.string(), value: z.string() }))
    .optional(),
  tags: z.array(z.string()).optional(),
  branch: z.string().optional(),
  project_id: z.number().int().min(1).optional(),
  send_notifications: z.boolean().optional(),
  total_shards: z.number().int().optional(),
  rerun_source_id: z.number().int().optional(),
  rerun_only_failed: z.boolean().optional(),
  github_actor: z.string().optional()
})

/** The trigger's answer [reference example]. */
export const triggerResponse = (id: number, createdAt: string) => ({
  data: {
    trigger: { success: true },
    test_run: { id, state: 'queued', test_run_branch: 'main', created_at: createdAt }
  }
})

export const RUN_STATES = [
  'pending',
  'queued',
  'started',
  'ended',
  'error',
  'cancelled',
  'cancelling'
] as const

/** One item of `GET /api/test-runs` [reference: list test runs], with the snooze counts the dashboard reads. */
export const listItemSchema = z.strictObject({
  id: z.number().int(),
  state: z.enum(RUN_STATES).optional(),
  total_count: z.number().int(),
  success_count: z.number().int(),
  failed_count: z.number().int(),
  skipped_count: z.number().int(),
  flaky_count: z.number().int(),
  failed_count_after_snoozing: z.number().int().optional(),
  snoozed_count: z.number().int().optional(),
  duration: z.number().optional(),
  test_run_branch: z.string().optional(),
  environment_slug: z.string().optional(),
  environment_name: z.string().optional(),
  build_url: z.string().optional(),
  build_branch: z.string().optional(),
  commit: z.string().optional(),
  created_at: z.string()
})

/**
 * A per-test entry of the single run (`flattenedSummaryDetails`), as the dashboard's tests read
 * it. Statuses are Playwright's outcomes: passed, failed, timedOut, skipped, interrupted, flaky.
 */
export const summaryDetailSchema = z.strictObject({
  name: z.string(),
  pw_test_id: z.string(),
  status: z.enum(['passed', 'failed', 'timedOut', 'skipped', 'interrupted', 'flaky']),
  slug: z.string().nullable(),
  snooze_info: z.array(z.unknown())
})

/**
 * A re-run of an earlier run's failed tests as testgate sends it: `rerun_source_id` (integer) and
 * `rerun_only_failed` (boolean) of the trigger body, Empirical API reference "Trigger a test run"
 * (docs.empirical.run/api-reference/test-runs/trigger-a-test-run, read 2026-11).
 */
export const rerunTriggerRequest = {
  environment: 'staging',
  build: { branch: 'feature/agents', commit: 'cafe'.repeat(10) },
  metadata: { pr_number: 21 },
  github_actor: 'octocat',
  rerun_source_id: 456,
  rerun_only_failed: true
}

/**
 * `GET /api/test-runs` [reference: list test runs, docs.empirical.run/api-reference/test-runs/list,
 * read 2026-11]: query `page` (from 1), `per_page` (1–100, default 20), `branch`, `state`,
 * `result` (passed|failed), `environment_ids`, `interval_in_days`, `id`.
 */
export const LIST_QUERY_PARAMS = [
  'page',
  'per_page',
  'branch',
  'state',
  'result',
  'environment_ids',
  'interval_in_days',
  'id'
]

/** The list's answer [same reference]: runs newest first, `project` in the newer docs only. */
export const listResponseSchema = z.strictObject({
  data: z.strictObject({
    project: z
      .strictObject({
        id: z.number().int(),
        name: z.string(),
        slug: z.string(),
        repo_name: z.string().optional()
      })
      .optional(),
    test_runs: z.strictObject({ items: z.array(listItemSchema) })
  }),
  pagination: z.strictObject({
    page: z.number().int(),
    per_page: z.number().int(),
    total: z.number().int(),
    total_pages: z.number().int()
  })
})

/** The reference's example answer (`duration` unit unstated: 120000 for a 2-minute run, so ms). */
export const listResponseExample = {
  data: {
    project: { id: 4, name: 'Lorem Ipsum', slug: 'lorem-ipsum', repo_name: 'lorem-ipsum-tests' },
    test_runs: {
      items: [
        {
          id: 456,
          state: 'ended',
          total_count: 50,
          success_count: 48,
          failed_count: 2,
          skipped_count: 0,
          flaky_count: 1,
          duration: 120000,
          test_run_branch: 'main',
          environment_slug: 'production',
          environment_name: 'Production',
          build_url: 'https://app.example.com',
          build_branch: 'main',
          commit: 'abc123',
          created_at: '2024-01-15T10:30:00.000Z'
        }
      ]
    }
  },
  pagination: { page: 1, per_page: 20, total: 150, total_pages: 8 }
}

/** A per-person daily allowance of model calls, counted in the database so replicas share it. */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

export class LlmBudget {
  constructor(
    private readonly database: Pick<Database, 'rows'>,
    private readonly perDay: number,
  ) {}

  /** Takes one call from today's allowance (China date); false when it is used up. */
  async take(userId: number, now: Date): Promise<boolean> {
    const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const rows = await this.database.rows(sql`
      insert into llm_usage as u (user_id, day, calls) values (${userId}, ${day}, 1)
      on conflict (user_id, day) do update set calls = u.calls + 1 where u.calls < ${this.perDay}
      returning calls`);
    return rows.length === 1;
  }
}

import type { Client } from '@temporalio/client';

/** The search attributes dlrec's runs carry, so the Temporal UI's workflow list can filter by them. */
export const DLREC_SEARCH_ATTRIBUTES = ['DlrecProfile', 'DlrecStage'] as const;
const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD

/**
 * Registers the attributes in the namespace when missing (the embedded server registers them at start).
 * Where the caller may not (Temporal Cloud: use tcld or the web UI), the error names that fix.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const ops = client.connection.operatorService;
  let existing;
  try {
    existing = await ops.listSearchAttributes({ namespace });
  } catch {
    return; // Not allowed to look (e.g. namespace-scoped Cloud certificates): runs will say so if they are missing.
  }
  const missing = DLREC_SEARCH_ATTRIBUTES.filter((a) => !(a in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await ops.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a, KEYWORD])),
    });
  } catch (err) {
    throw new Error(
      `search attributes ${missing.join(', ')} are not registered in namespace '${namespace}' and could not be added (${(err as Error).message}); register them as Keyword (e.g. 'temporal operator search-attribute create --name DlrecProfile --type Keyword', or tcld on Temporal Cloud)`,
      { cause: err },
    );
  }
}

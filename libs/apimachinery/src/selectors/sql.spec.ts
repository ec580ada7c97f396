import { parseFieldSelector } from './fields';
import { parseLabelSelector } from './label-parser';
import { fieldRequirementsToSql, labelRequirementsToSql } from './sql';

describe('labelRequirementsToSql', () => {
  it.each<[string, string, unknown[]]>([
    ['', 'TRUE', []],
    ['app=web', 'labels @> $1::jsonb', ['{"app":"web"}']],
    ['app==web', 'labels @> $1::jsonb', ['{"app":"web"}']],
    ['app in (web,api)', '(labels @> $1::jsonb OR labels @> $2::jsonb)', ['{"app":"api"}', '{"app":"web"}']],
    ['app!=web', "NOT (COALESCE(labels, '{}'::jsonb) @> $1::jsonb)", ['{"app":"web"}']],
    ['app notin (a,b)', "NOT (COALESCE(labels, '{}'::jsonb) @> $1::jsonb OR COALESCE(labels, '{}'::jsonb) @> $2::jsonb)", ['{"app":"a"}', '{"app":"b"}']],
    ['app', 'labels ? $1', ['app']],
    ['!app', "NOT (COALESCE(labels, '{}'::jsonb) ? $1)", ['app']],
    ['n>3', "(CASE WHEN (labels ->> $1) ~ '^[+-]?[0-9]+$' THEN (labels ->> $1)::numeric > $2::numeric ELSE false END)", ['n', '3']],
    ['app=web,tier', 'labels @> $1::jsonb AND labels ? $2', ['{"app":"web"}', 'tier']],
  ])('given %j, then %j with params %j', (selector, sql, expectedParams) => {
    const params: unknown[] = [];
    expect(labelRequirementsToSql(parseLabelSelector(selector), 'labels', params)).toBe(sql);
    expect(params).toEqual(expectedParams);
  });

  it('given params already pushed by the caller, then numbering continues after them', () => {
    const params: unknown[] = ['default'];
    expect(labelRequirementsToSql(parseLabelSelector('app=web'), 'o.labels', params)).toBe('o.labels @> $2::jsonb');
    expect(params).toEqual(['default', '{"app":"web"}']);
  });

  it("given a value with quotes, then it only ever reaches params, never the SQL text", () => {
    const params: unknown[] = [];
    const reqs = [{ key: 'app', operator: '=' as const, values: ["x'); DROP TABLE objects;--"] }];
    const sql = labelRequirementsToSql(reqs, 'labels', params);
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([JSON.stringify({ app: "x'); DROP TABLE objects;--" })]);
  });

  it('given a nil selector, then FALSE; given a column that is not an identifier, then it refuses', () => {
    expect(labelRequirementsToSql(null, 'labels', [])).toBe('FALSE');
    expect(() => labelRequirementsToSql(parseLabelSelector('a'), 'labels; DROP', [])).toThrow('not a SQL column reference');
  });
});

describe('fieldRequirementsToSql', () => {
  it('given fields with columns and one without, then the column ones become SQL and the rest is left over', () => {
    const params: unknown[] = [];
    const reqs = parseFieldSelector('spec.nodeName=n1,status.phase!=Running,spec.restartPolicy=Always,metadata.namespace=default');
    const { where, residual } = fieldRequirementsToSql(reqs, params);
    expect(where).toBe("namespace = $1 AND node_name = $2 AND COALESCE(phase, '') <> $3");
    expect(params).toEqual(['default', 'n1', 'Running']);
    expect(residual).toEqual([{ field: 'spec.restartPolicy', operator: '=', value: 'Always' }]);
  });

  it('given an empty value, then a NULL column counts as "" (an unscheduled pod has spec.nodeName=="")', () => {
    const params: unknown[] = [];
    expect(fieldRequirementsToSql(parseFieldSelector('spec.nodeName='), params).where).toBe("COALESCE(node_name, '') = $1");
    expect(params).toEqual(['']);
  });

  it('given nothing to push down, then TRUE', () => {
    expect(fieldRequirementsToSql([], []).where).toBe('TRUE');
  });
});

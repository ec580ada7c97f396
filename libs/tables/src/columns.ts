// `meta.k8s.io/v1` Table pieces and the column definitions every printer shares.

export interface TableColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. The server always sends both. */
  readonly priority: number;
}

export interface TableRowCondition {
  readonly type: 'Completed';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export type Cell = string | number | boolean | null;

export interface PrintedRow {
  readonly cells: readonly Cell[];
  readonly conditions?: readonly TableRowCondition[];
}

/** One kind's printer: its columns and a pure function from object (and now) to cells. */
export interface Printer<T = any> {
  readonly columns: readonly TableColumnDefinition[];
  readonly print: (obj: T, now: Date) => PrintedRow;
}

export const col = (name: string, type: TableColumnDefinition['type'], description: string, priority = 0, format = ''): TableColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});

// metav1.ObjectMeta{}.SwaggerDoc()["name"] and ["creationTimestamp"], word for word.
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const NAME = col('Name', 'string', NAME_DESCRIPTION, 0, 'name');
export const AGE = col('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
export const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const selectorCol = (description: string) => col('Selector', 'string', description, 1);

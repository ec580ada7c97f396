export { toTable, printerFor, defaultPrinter } from './table';
export type { Table, TableRow, TableOptions, IncludeObject, PartialObjectMetadata } from './table';
export type { TableColumnDefinition, TableRowCondition, Printer, PrintedRow, Cell } from './columns';
export { humanDuration } from './duration';

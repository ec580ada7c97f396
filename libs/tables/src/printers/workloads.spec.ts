import { Printer } from '../columns';
import { controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads';

const now = new Date('2025-01-10T12:00:00Z');
const metadata = { name: 'web', namespace: 'default', creationTimestamp: '2025-01-08T09:00:00Z' }; // 2d3h ago
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
const selector = { matchLabels: { app: 'web' } };

describe('workload printers', () => {
  it.each<[string, Printer, object, string[], unknown[]]>([
    [
      'deployment',
      deploymentPrinter,
      { metadata, spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
      ['web', '2/3', 3, 2, '2d3h', 'app,log', 'nginx:1.27,busybox', 'app=web'],
    ],
    [
      'deployment without status yet',
      deploymentPrinter,
      { metadata, spec: { replicas: 1, selector, template } },
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
      ['web', '0/1', 0, 0, '2d3h', 'app,log', 'nginx:1.27,busybox', 'app=web'],
    ],
    [
      'replicaset',
      replicaSetPrinter,
      { metadata, spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } },
      ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
      ['web', 3, 3, 1, '2d3h', 'app,log', 'nginx:1.27,busybox', 'app=web'],
    ],
    [
      'statefulset',
      statefulSetPrinter,
      { metadata, spec: { replicas: 2, selector, template }, status: { readyReplicas: 2 } },
      ['Name', 'Ready', 'Age', 'Containers', 'Images'],
      ['web', '2/2', '2d3h', 'app,log', 'nginx:1.27,busybox'],
    ],
    [
      'daemonset',
      daemonSetPrinter,
      {
        metadata,
        spec: { selector, template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
      },
      ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector'],
      ['web', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '2d3h', 'app,log', 'nginx:1.27,busybox', 'app=web'],
    ],
    [
      'controllerrevision',
      controllerRevisionPrinter,
      { metadata: { ...metadata, name: 'web-7d9c', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 },
      ['Name', 'Controller', 'Revision', 'Age'],
      ['web-7d9c', 'statefulset.apps/web', 2, '2d3h'],
    ],
  ])('given a %s, then kubectl\'s columns and cells', (_kind, printer, obj, columns, cells) => {
    expect(printer.columns.map((c) => c.name)).toEqual(columns);
    expect(printer.print(obj, now).cells).toEqual(cells);
  });
});

describe('job printer', () => {
  const job = (spec: object, status: object, meta: object = {}) => ({ metadata: { ...metadata, ...meta }, spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/job-name': 'web' } }, ...spec }, status });
  it('has 1.32 columns: STATUS COMPLETIONS DURATION AGE', () => {
    expect(jobPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  });
  it.each<[string, ReturnType<typeof job>, string, string, string]>([
    ['running for 45m', job({ completions: 3 }, { succeeded: 1, startTime: '2025-01-10T11:15:00Z' }), 'Running', '1/3', '45m'],
    ['complete after 3m12s', job({ completions: 1 }, { succeeded: 1, startTime: '2025-01-10T11:00:00Z', completionTime: '2025-01-10T11:03:12Z', conditions: [{ type: 'Complete', status: 'True' }] }), 'Complete', '1/1', '3m12s'],
    ['failed', job({ completions: 1 }, { startTime: '2025-01-10T11:00:00Z', conditions: [{ type: 'Failed', status: 'True' }] }), 'Failed', '0/1', '60m'],
    ['suspended, never started', job({ completions: 2 }, { conditions: [{ type: 'Suspended', status: 'True' }] }), 'Suspended', '0/2', ''],
    ['a work queue with parallelism 4', job({ parallelism: 4 }, {}), 'Running', '0/1 of 4', ''],
    ['without completions or parallelism', job({}, {}), 'Running', '0/1', ''],
    ['being deleted', job({ completions: 1 }, {}, { deletionTimestamp: '2025-01-10T11:59:00Z' }), 'Terminating', '0/1', ''],
  ])('given a job %s, then STATUS %s, COMPLETIONS %s, DURATION %j', (_what, obj, status, completions, duration) => {
    expect(jobPrinter.print(obj, now).cells.slice(1, 4)).toEqual([status, completions, duration]);
  });
});

describe('cronjob printer', () => {
  it('given a cronjob, then SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
    const cj = {
      metadata,
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'web-1' }], lastScheduleTime: '2025-01-10T11:55:00Z' },
    };
    expect(cronJobPrinter.columns.map((c) => c.name).slice(0, 7)).toEqual(['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age']);
    expect(cronJobPrinter.print(cj, now).cells).toEqual(['web', '*/5 * * * *', '<none>', false, 1, '5m', '2d3h', 'app,log', 'nginx:1.27,busybox', '<none>']);
    expect(cronJobPrinter.print({ metadata, spec: { schedule: '@daily', timeZone: 'Europe/Paris', suspend: true } }, now).cells.slice(1, 6)).toEqual(['@daily', 'Europe/Paris', true, 0, '<none>']);
  });
});

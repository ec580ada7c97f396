// Controllers that own pods through a template: Deployment, ReplicaSet, StatefulSet,
// DaemonSet (pkg/apis/apps/validation) and Job, CronJob (pkg/apis/batch/validation).
import { CronExpressionParser } from 'cron-parser';
import { Cause, Causes, Json, immutable, invalidEach, nonNegative, obj, oneOf, str, deepEqual } from '../causes';
import { validateAnnotations, validateLabels } from '../meta';
import { LabelSelector, isEmptySelector, labelSelectorMatches, validateLabelSelector } from '../selector';
import { validatePodSpec } from './pod';
import { validatePvcSpec } from './storage';

/** Template labels and spec; `restartPolicies` narrows the pod's restart policy for the kind. */
function validateTemplate(template: Json | undefined, path: string, restartPolicies: readonly string[], claimVolumes: readonly string[] = []): Causes {
  if (!template) return [Cause.required(path)];
  const meta = obj(template.metadata) ?? {};
  const spec = obj(template.spec) ?? {};
  const out: Causes = [...validateLabels(meta.labels, `${path}.metadata.labels`), ...validateAnnotations(meta.annotations, `${path}.metadata.annotations`)];
  out.push(...validatePodSpec(spec, `${path}.spec`, claimVolumes));
  const rp = spec.restartPolicy;
  if (rp === undefined) out.push(Cause.required(`${path}.spec.restartPolicy`, `valid values: ${restartPolicies.map((p) => `"${p}"`).join(', ')}`));
  else if (['Always', 'OnFailure', 'Never'].includes(String(rp)) && !restartPolicies.includes(String(rp))) {
    out.push(Cause.notSupported(`${path}.spec.restartPolicy`, rp, restartPolicies));
  }
  return out;
}

/** Selector present, well formed, not empty, and matching the template's labels. */
function validateSelectorAndTemplate(spec: Json, restartPolicies: readonly string[], claimVolumes: readonly string[] = []): Causes {
  const templatePath = 'spec.template';
  const out: Causes = [];
  const selector = obj(spec.selector);
  const template = obj(spec.template);
  if (!selector) out.push(Cause.required('spec.selector'));
  else {
    out.push(...validateLabelSelector(selector, 'spec.selector'));
    if (isEmptySelector(selector)) out.push(Cause.invalid('spec.selector', selector, 'empty selector is invalid for deployment'));
    else if (template) {
      const labels = obj(obj(template.metadata)?.labels) as Record<string, string> | undefined;
      if (!labelSelectorMatches(selector as LabelSelector, labels)) {
        out.push(Cause.invalid(`${templatePath}.metadata.labels`, labels ?? {}, '`selector` does not match template `labels`'));
      }
    }
  }
  out.push(...validateTemplate(template, templatePath, restartPolicies, claimVolumes));
  return out;
}

const PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** maxSurge / maxUnavailable: a non-negative int or "N%" with N ≤ 100. Returns the causes and whether the value is zero. */
function validateIntOrPercent(v: unknown, path: string): { causes: Causes; zero: boolean } {
  if (v === undefined) return { causes: [], zero: false };
  if (typeof v === 'number') return { causes: nonNegative(path, v), zero: v === 0 };
  const s = String(v);
  if (!/^[0-9]+%$/.test(s)) return { causes: [Cause.invalid(path, s, PERCENT_MESSAGE)], zero: false };
  const pct = parseInt(s, 10);
  return { causes: pct > 100 ? [Cause.invalid(path, s, 'must not be greater than 100%')] : [], zero: pct === 0 };
}

function validateRollingUpdate(ru: Json, path: string): Causes {
  const surge = validateIntOrPercent(ru.maxSurge, `${path}.maxSurge`);
  const unavailable = validateIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`);
  const out = [...surge.causes, ...unavailable.causes];
  if (surge.zero && unavailable.zero) out.push(Cause.invalid(`${path}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  return out;
}

export function validateDeploymentSpec(spec: Json): Causes {
  const out: Causes = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
  out.push(...validateSelectorAndTemplate(spec, ['Always']));
  const strategy = obj(spec.strategy) ?? {};
  out.push(...oneOf('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
  const ru = obj(strategy.rollingUpdate);
  if (strategy.type === 'Recreate' && ru) out.push(Cause.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  else if (ru) out.push(...validateRollingUpdate(ru, 'spec.strategy.rollingUpdate'));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number' && deadline <= Number(spec.minReadySeconds ?? 0)) {
    out.push(Cause.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return out;
}

export function validateReplicaSetSpec(spec: Json): Causes {
  return [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds), ...validateSelectorAndTemplate(spec, ['Always'])];
}

export function validateDaemonSetSpec(spec: Json): Causes {
  const out: Causes = [...validateSelectorAndTemplate(spec, ['Always']), ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit)];
  const strategy = obj(spec.updateStrategy) ?? {};
  out.push(...oneOf('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  const ru = obj(strategy.rollingUpdate);
  if (ru) out.push(...validateRollingUpdate(ru, 'spec.updateStrategy.rollingUpdate'));
  return out;
}

export function validateStatefulSetSpec(spec: Json): Causes {
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  const claimNames = claims.map((c) => str(obj(obj(c)?.metadata)?.name)).filter((n): n is string => !!n);
  const out: Causes = [...nonNegative('spec.replicas', spec.replicas), ...validateSelectorAndTemplate(spec, ['Always'], claimNames)];
  out.push(...oneOf('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']));
  const strategy = obj(spec.updateStrategy) ?? {};
  out.push(...oneOf('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  out.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', obj(strategy.rollingUpdate)?.partition));
  claims.forEach((raw, i) => {
    const t = obj(raw) ?? {};
    const name = str(obj(t.metadata)?.name);
    if (!name) out.push(Cause.required(`spec.volumeClaimTemplates[${i}].metadata.name`));
    out.push(...validatePvcSpec(obj(t.spec), `spec.volumeClaimTemplates[${i}].spec`));
  });
  return out;
}

// The fields of a StatefulSet's spec that may change after creation (ValidateStatefulSetUpdate).
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(spec: Json, old: Json): Causes {
  const strip = (s: Json) => Object.fromEntries(Object.entries(s).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
  if (deepEqual(strip(spec), strip(old))) return [];
  return [Cause.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export function validateJobSpec(spec: Json, path = 'spec', requireSelector = true): Causes {
  const out: Causes = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished']) out.push(...nonNegative(`${path}.${f}`, spec[f]));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds === 0) {
    out.push(Cause.invalid(`${path}.activeDeadlineSeconds`, 0, 'must be greater than 0'));
  }
  out.push(...oneOf(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) out.push(Cause.required(`${path}.completions`, 'when completion mode is Indexed'));
  const restart = ['OnFailure', 'Never'];
  if (requireSelector) out.push(...validateSelectorAndTemplate(spec, restart));
  else out.push(...validateTemplate(obj(spec.template), `${path}.template`, restart));
  return out;
}

/** The pod template and the completion count of a Job cannot change (the selector neither). */
export function validateJobUpdate(spec: Json, old: Json): Causes {
  const out: Causes = [];
  if (!deepEqual(spec.selector, old.selector)) out.push(immutable('spec.selector', spec.selector));
  if (!deepEqual(spec.template, old.template)) out.push(immutable('spec.template', spec.template));
  if (spec.completionMode !== old.completionMode) out.push(immutable('spec.completionMode', spec.completionMode));
  return out;
}

export const CRONJOB_NAME_MAX = 52;

/** Five fields or a descriptor (@hourly), as robfig/cron's standard parser takes them. */
export function validateSchedule(schedule: unknown, timeZone: unknown): Causes {
  const path = 'spec.schedule';
  if (typeof schedule !== 'string' || !schedule.trim()) return [Cause.required(path)];
  if (/^\s*(CRON_)?TZ=/.test(schedule)) return [Cause.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  const fields = schedule.trim().split(/\s+/);
  if (!schedule.trim().startsWith('@') && fields.length !== 5) {
    return [Cause.invalid(path, schedule, `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`)];
  }
  try {
    CronExpressionParser.parse(schedule);
  } catch (e) {
    return [Cause.invalid(path, schedule, (e as Error).message)];
  }
  return validateTimeZone(timeZone);
}

function validateTimeZone(tz: unknown): Causes {
  if (tz === undefined || tz === null) return [];
  const path = 'spec.timeZone';
  try {
    if (typeof tz !== 'string' || tz === '' || tz.toLowerCase() === 'local') throw new RangeError();
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return [];
  } catch {
    return [Cause.invalid(path, tz, `unknown time zone ${String(tz)}`)];
  }
}

export function validateCronJobSpec(spec: Json): Causes {
  const out: Causes = [...validateSchedule(spec.schedule, spec.timeZone)];
  out.push(...oneOf('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) out.push(...nonNegative(`spec.${f}`, spec[f]));
  const jobTemplate = obj(spec.jobTemplate);
  if (!jobTemplate) out.push(Cause.required('spec.jobTemplate'));
  else out.push(...validateJobSpec(obj(jobTemplate.spec) ?? {}, 'spec.jobTemplate.spec', false));
  return out;
}

export function validateCronJobName(name: string | undefined): Causes {
  return name && name.length > CRONJOB_NAME_MAX ? invalidEach('metadata.name', name, [`must be no more than ${CRONJOB_NAME_MAX} characters`]) : [];
}

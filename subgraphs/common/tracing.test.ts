import { expect, test } from 'vitest';
import { defaultServiceName, isTracingConfigured, startTracing } from './tracing.js';

test('tracing is off by default', () => {
  expect(isTracingConfigured({})).toBe(false);
  expect(isTracingConfigured({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(false);
  expect(startTracing('tandem-test', {})).toBe(false);
});

test('exporter or endpoint turns tracing on', () => {
  expect(isTracingConfigured({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  expect(isTracingConfigured({ OTEL_TRACES_EXPORTER: 'console, none' })).toBe(true);
  expect(isTracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
  expect(isTracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
});

test('OTEL_SDK_DISABLED wins', () => {
  expect(isTracingConfigured({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
});

test('service name from entry script', () => {
  expect(defaultServiceName('/app/gateway/main.ts')).toBe('tandem-gateway');
  expect(defaultServiceName('/app/subgraphs/work/main.ts')).toBe('tandem-work');
  expect(defaultServiceName('C:\\app\\subgraphs\\identity\\main.ts')).toBe('tandem-identity');
  expect(defaultServiceName('/app/scripts/start.ts')).toBe('tandem');
});

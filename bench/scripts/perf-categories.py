#!/usr/bin/env python3
"""Splits a `perf script` profile of render-profile into where the CPU went, per operation.

    python3 bench/scripts/perf-categories.py <perf-script-output> <render-profile's output, or CPU µs per operation>

Each sample is charged to the innermost frame whose assembly tells what it is doing: LiveState.Blazor (by type),
Blazor's rendering or its dispatcher, the hand-written baselines, the bench harness; samples on the runtime's own
threads go to GC, the timer thread or tiered compilation, and thread-pool workers waiting for work to "thread pool
idle/spin". Code the JIT inlined is charged to the frame it was inlined into (ILiveState<T>.Value, inlined into the
reader's render, counts as Blazor render). Perf's sampling slows the process down: compare shares, not the absolute
µs with unprofiled runs.
"""
import collections
import re
import sys


def category(frames, thread):
    if thread.startswith('.NET Server GC') or thread.startswith('.NET BGC'):
        return 'GC threads', None
    if thread.startswith('.NET Timer'):
        return 'timer thread', None
    if thread.startswith('.NET Tiered'):
        return 'tiered compilation', None
    for frame in frames:
        match = re.search(r'\[([A-Za-z.]+)\] ([A-Za-z0-9_.`]+)[:+<]', frame)
        if match:
            assembly, type_name = match.group(1), match.group(2)
            if assembly == 'LiveState.Blazor':
                return 'LiveState', re.sub(r'[`<].*', '', type_name.replace('LiveState.Blazor.', ''))
            if assembly == 'Microsoft.AspNetCore.Components':
                if 'RendererSynchronizationContext' in type_name or 'Dispatcher' in type_name:
                    return 'Blazor dispatch', None
                return 'Blazor render', None
            if assembly == 'LiveState.Blazor.Benchmarks':
                if 'HandWritten' in type_name:
                    return 'hand-written baselines', None
                return 'bench harness', None
        if 'LowLevelLifoSemaphore' in frame or 'PortableThreadPool' in frame or 'WorkerThread' in frame:
            return 'thread pool idle/spin', None
        if 'ThreadPoolWorkQueue' in frame:
            return 'thread pool dispatch', None
    return 'other (runtime, kernel)', None


def cpu_per_operation(argument):
    """A number (µs), or the file render-profile printed ("... 7.86 µs CPU and ...")."""
    try:
        return float(argument)
    except ValueError:
        with open(argument) as output:
            value, unit = re.search(r'([0-9.]+) (ns|µs|ms) CPU', output.read()).groups()
        return float(value) * {'ns': 0.001, 'µs': 1.0, 'ms': 1000.0}[unit]


def main():
    path, cpu = sys.argv[1], sys.argv[2]
    per_operation = cpu_per_operation(cpu)
    totals = collections.Counter()
    library = collections.Counter()
    samples = 0
    frames = []
    thread = ''
    with open(path, errors='replace') as lines:
        for line in list(lines) + ['']:
            if not line.strip():
                if frames:
                    samples += 1
                    what, detail = category(frames, thread)
                    totals[what] += 1
                    if detail:
                        library[detail] += 1
                frames = []
            elif line.startswith('\t'):
                frames.append(line.strip())
            else:
                thread = line[:16].strip()
    print(f'{samples} samples, {per_operation} µs CPU per operation under perf')
    for what, count in totals.most_common():
        print(f'  {what:28s} {count / samples * 100:6.2f}%  {count / samples * per_operation:6.2f} µs/op')
    for what, count in library.most_common(10):
        print(f'    LiveState {what:38s} {count / samples * 100:6.2f}%  {count / samples * per_operation:6.2f} µs/op')


if __name__ == '__main__':
    main()

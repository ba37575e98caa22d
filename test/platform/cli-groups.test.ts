// `dlrec <command>` loads only the module of that command's group: the map must name every command, and the
// program built for one command must still parse it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMAND_GROUPS, registerAll, registerGroup, type CommandGroup } from '../../cli/commands';
import { buildProgram, commandName } from '../../cli/main';
import { prestartFor } from '../../cli/prestart';
import { featureThreadCount, queryHelperCount, stopFeatureThreads } from '../../src/features/threads';

const names = (p: Command) => p.commands.map((c) => c.name()).sort();

test('COMMAND_GROUPS names every top-level command, with the group that registers it', () => {
  const all = new Command();
  registerAll(all);
  assert.deepEqual(Object.keys(COMMAND_GROUPS).sort(), names(all), 'every command, and no other');
  for (const group of new Set(Object.values(COMMAND_GROUPS))) {
    const one = new Command();
    registerGroup(one, group as CommandGroup);
    const mapped = Object.keys(COMMAND_GROUPS).filter((c) => COMMAND_GROUPS[c] === group);
    assert.deepEqual(names(one), mapped.sort(), `the commands of group ${group}`);
  }
});

test('the command name is the first word that is neither an option nor its value', () => {
  assert.equal(commandName(['recommend', './x']), 'recommend');
  assert.equal(commandName(['--json', '--store', 'file:///tmp/s', 'ranker', 'train']), 'ranker');
  assert.equal(commandName(['--s3-endpoint', 'http://127.0.0.1:9000', '--json', 'doctor']), 'doctor');
  assert.equal(commandName(['--help']), undefined);
});

test('a program built for one command has that group only; help and unknown words get every group', () => {
  assert.deepEqual(names(buildProgram(['--json', 'recommend', './x'])), ['recommend']);
  assert.deepEqual(names(buildProgram(['similarity', './x'])), ['ranker', 'similarity']);
  const everything = names(buildProgram());
  assert.deepEqual(names(buildProgram(['help', 'recommend'])), everything);
  assert.deepEqual(names(buildProgram(['recomend'])), everything, 'a typo still gets commander’s suggestion');
});

test('the query commands start their feature threads before their modules load; others start none', async () => {
  for (const argv of [['build'], ['recommend', '--help'], ['ranker', 'train'], ['--json', 'doctor']]) {
    prestartFor(argv);
    assert.equal(featureThreadCount(), 0, argv.join(' '));
  }
  for (const argv of [
    ['recommend', './x'],
    ['--store', 'similarity', 'similarity', './x'],
    ['ranker', 'similarity', 'x'],
  ]) {
    prestartFor(argv);
    assert.equal(featureThreadCount(), queryHelperCount(), argv.join(' '));
    await stopFeatureThreads();
  }
});

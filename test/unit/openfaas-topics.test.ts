import assert from 'node:assert/strict';
import {
  dottedTopics,
  parseTopicAnnotation,
  topicsForSubject,
} from '../../router/src/processors/openfaas/topics';
import { SubscriptionTable } from '../../router/src/processors/openfaas/subscriptions';

describe('OpenFaaS topics', () => {
  describe('parseTopicAnnotation', () => {
    it('splits on commas and trims each topic', () => {
      assert.deepEqual(parseTopicAnnotation(' VmPoweredOnEvent ,VmPoweredOffEvent'), [
        'VmPoweredOnEvent',
        'VmPoweredOffEvent',
      ]);
    });

    it('drops empty entries and repeats', () => {
      assert.deepEqual(parseTopicAnnotation('a,, a ,b,'), ['a', 'b']);
    });

    it('has no topics without an annotation', () => {
      assert.deepEqual(parseTopicAnnotation(undefined), []);
      assert.deepEqual(parseTopicAnnotation('  '), []);
    });
  });

  describe('dottedTopics', () => {
    it('names VmPoweredOnEvent vm.powered.on, as the old vCenter connector did', () => {
      assert.deepEqual(dottedTopics('VmPoweredOnEvent'), ['vm.powered.on']);
    });

    it('names DrsVmPoweredOnEvent drs.vm.powered.on', () => {
      assert.deepEqual(dottedTopics('DrsVmPoweredOnEvent'), ['drs.vm.powered.on']);
    });

    it('accepts both splittings of a class name with an acronym', () => {
      assert.deepEqual(dottedTopics('DVPortgroupCreatedEvent'), [
        'dv.portgroup.created',
        'd.v.portgroup.created',
      ]);
    });

    it('gives an EventEx id no dotted alias: it is dotted already', () => {
      assert.deepEqual(dottedTopics('com.vmware.vc.HA.ClusterFailoverActionCompletedEvent'), []);
    });
  });

  it('puts the exact subject first and * last', () => {
    assert.deepEqual(topicsForSubject('VmPoweredOnEvent'), [
      'VmPoweredOnEvent',
      'vm.powered.on',
      '*',
    ]);
  });
});

describe('SubscriptionTable', () => {
  const table = new SubscriptionTable(
    [
      { target: 'power', topics: ['VmPoweredOnEvent', 'VmPoweredOffEvent'] },
      { target: 'legacy', topics: ['vm.powered.on'] },
      { target: 'audit', topics: ['*', 'VmPoweredOnEvent'] },
      { target: 'idle', topics: [] },
    ],
    new Date(0),
  );

  it('routes a subject to every function subscribed by any of its topics, sorted', () => {
    assert.deepEqual(table.targetsFor('VmPoweredOnEvent'), ['audit', 'legacy', 'power']);
    assert.deepEqual(table.targetsFor('VmCreatedEvent'), ['audit']);
  });

  it('names the best matching topic of a function for X-Topic', () => {
    assert.equal(table.topicFor('audit', 'VmPoweredOnEvent'), 'VmPoweredOnEvent');
    assert.equal(table.topicFor('audit', 'VmCreatedEvent'), '*');
    assert.equal(table.topicFor('legacy', 'VmPoweredOnEvent'), 'vm.powered.on');
  });

  it('falls back to the subject for a function no longer listed', () => {
    assert.equal(table.topicFor('gone', 'VmPoweredOnEvent'), 'VmPoweredOnEvent');
  });

  it('leaves out functions without topics', () => {
    assert.deepEqual(table.targets, ['audit', 'legacy', 'power']);
  });
});

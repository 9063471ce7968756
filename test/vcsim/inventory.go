package main

import (
	"errors"
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// vmPlacement is one VM with the entities an event about it names, taken from the model
// once at start-up so that bursts do not walk the inventory.
type vmPlacement struct {
	vm              types.VmEventArgument
	host            types.HostEventArgument
	computeResource types.ComputeResourceEventArgument
	datacenter      types.DatacenterEventArgument
	datastore       *types.DatastoreEventArgument
}

func snapshotInventory() ([]vmPlacement, error) {
	var placements []vmPlacement

	for _, entity := range simulator.Map.All("VirtualMachine") {
		vm, ok := entity.(*simulator.VirtualMachine)
		if !ok || vm.Runtime.Host == nil {
			continue
		}
		placement, err := placementOf(vm)
		if err != nil {
			return nil, err
		}
		placements = append(placements, placement)
	}
	// Map.All follows a map; a stable order keeps bursts with the same seed identical.
	sort.Slice(placements, func(i, j int) bool {
		return placements[i].vm.Vm.Value < placements[j].vm.Vm.Value
	})
	return placements, nil
}

func placementOf(vm *simulator.VirtualMachine) (vmPlacement, error) {
	host := entityByRef(*vm.Runtime.Host)
	if host == nil || host.Entity().Parent == nil {
		return vmPlacement{}, errors.New("vm " + vm.Name + ": host not found")
	}
	cluster := entityByRef(*host.Entity().Parent)
	datacenter := datacenterOf(host)
	if cluster == nil || datacenter == nil {
		return vmPlacement{}, errors.New("vm " + vm.Name + ": cluster or datacenter not found")
	}

	p := vmPlacement{
		vm:              types.VmEventArgument{Vm: vm.Self},
		host:            types.HostEventArgument{Host: host.Reference()},
		computeResource: types.ComputeResourceEventArgument{ComputeResource: cluster.Reference()},
		datacenter:      types.DatacenterEventArgument{Datacenter: datacenter.Reference()},
	}
	p.vm.Name = vm.Name
	p.host.Name = host.Entity().Name
	p.computeResource.Name = cluster.Entity().Name
	p.datacenter.Name = datacenter.Entity().Name

	if len(vm.Datastore) > 0 {
		if ds := entityByRef(vm.Datastore[0]); ds != nil {
			p.datastore = &types.DatastoreEventArgument{Datastore: ds.Reference()}
			p.datastore.Name = ds.Entity().Name
		}
	}
	return p, nil
}

func entityByRef(ref types.ManagedObjectReference) mo.Entity {
	entity, _ := simulator.Map.Get(ref).(mo.Entity)
	return entity
}

// datacenterOf walks up the parents; a datacenter is never more than a few folders away.
func datacenterOf(entity mo.Entity) mo.Entity {
	for depth := 0; entity != nil && depth < 32; depth++ {
		if entity.Reference().Type == "Datacenter" {
			return entity
		}
		parent := entity.Entity().Parent
		if parent == nil {
			return nil
		}
		entity = entityByRef(*parent)
	}
	return nil
}

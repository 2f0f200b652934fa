"""The model builder: a validated Description and the cap policy's plan, joined into model.System.

It runs only on what validation accepted and has nothing left to check, so it cannot fail.
"""
import dataclasses
import os

from . import caps
from .description import ComponentDecl
from .model import Component, System
from .paths import banner_name

_DECL_FIELDS = tuple(f.name for f in dataclasses.fields(ComponentDecl))


def build_system(desc):
    """The model of a Description that validation returned."""
    plan = caps.plan(desc)
    return System(name=desc.name, cpus=desc.cpus, components=tuple(_component(c, plan) for c in desc.components),
                  interfaces=desc.interfaces, path=desc.path, real_path=os.path.abspath(desc.path),
                  banner_source=banner_name(desc.path), notifications=desc.notifications,
                  notification_count=plan.notification_count, regions=desc.regions, irqs=plan.irqs,
                  endpoint_count=plan.endpoint_count)


def _component(decl, plan):
    table = plan.tables[decl.name]
    return Component(**{name: getattr(decl, name) for name in _DECL_FIELDS},
                     endpoint=plan.endpoints.get(decl.name, -1), caps=table.caps, first_free=table.first_free,
                     cap_slots=table.cap_slots, mappings=table.mappings, irqs=table.irqs, clients=table.clients,
                     signals=table.signals, fault_endpoint=table.fault_endpoint, supervises=table.supervises,
                     supervisor_endpoint=table.supervisor_endpoint, report_badge=table.report_badge)

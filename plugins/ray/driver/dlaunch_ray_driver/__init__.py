"""dlaunch's gang driver for Ray.

The `ray` platform plugin submits a job that has several replicas or roles (or failover) as one Ray job whose
entrypoint is `python3 -m dlaunch_ray_driver`; this package is uploaded with it through runtime_env
py_modules. The plan (roles, replicas, resources, env) comes in the DLAUNCH_RAY_PLAN environment variable.
"""

# Writes the test fixture header of a hypothetical ABI 1.1: today's sdk/include/dlaunch/plugin.h with its minor
# set to 1 and two fields appended, for the struct-size crossing test. Generated from plugin.h, so it is always
# "today's header plus 1.1" and never a stale copy. `dlaunch_logs_args.timestamps` lands in 1.0's trailing
# padding (offset 25 of a 32-byte struct on LP64): a 1.0 host that filled struct_size with sizeof would tell a
# 1.1 plugin it is there. `dlaunch_job_status.preempted` grows a struct that had no trailing padding.
# Usage: dlaunch_write_abi_1_1_header(SOURCE_HEADER OUTPUT_HEADER)
function(dlaunch_write_abi_1_1_header source output)
  file(READ ${source} text)
  # Each edit must find its place: plugin.h changed under it otherwise, and this file needs the new anchor.
  foreach(edit IN ITEMS
      "#define DLAUNCH_ABI_MINOR 0\n|#define DLAUNCH_ABI_MINOR 1\n"
      "#define DLAUNCH_JOB_STATUS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_job_status, end_time_ms)\n|#define DLAUNCH_JOB_STATUS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_job_status, end_time_ms)\n#define DLAUNCH_JOB_STATUS_SIZE_1_1 DLAUNCH_STRUCT_SIZE(dlaunch_job_status, preempted)\n"
      "  int64_t end_time_ms;      /* 0 when unknown or still running */\n|  int64_t end_time_ms;      /* 0 when unknown or still running */\n  bool preempted;           /* 1.1: the platform took the job's resources back */\n"
      "#define DLAUNCH_LOGS_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_logs_args, follow)\n|#define DLAUNCH_LOGS_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_logs_args, follow)\n#define DLAUNCH_LOGS_ARGS_SIZE_1_1 DLAUNCH_STRUCT_SIZE(dlaunch_logs_args, timestamps)\n"
      "  bool follow; /* keep streaming new output until the job is terminal (or is_cancelled) */\n|  bool follow; /* keep streaming new output until the job is terminal (or is_cancelled) */\n  bool timestamps; /* 1.1: prefix every line with its time */\n")
    string(FIND "${edit}" "|" bar)
    string(SUBSTRING "${edit}" 0 ${bar} from)
    math(EXPR after "${bar} + 1")
    string(SUBSTRING "${edit}" ${after} -1 to)
    string(FIND "${text}" "${from}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "${source} no longer has the line the ABI 1.1 test header edits:\n${from}"
                          "(update ${CMAKE_CURRENT_FUNCTION_LIST_FILE})")
    endif()
    string(REPLACE "${from}" "${to}" text "${text}")
  endforeach()
  set(text "/* TEST FIXTURE, not a release: a hypothetical ABI 1.1, written by tests/sdk/abi_1_1_header.cmake from\n * sdk/include/dlaunch/plugin.h. */\n${text}")
  # Rewritten only when it changes, so that what includes it is not rebuilt on every configure.
  if(EXISTS ${output})
    file(READ ${output} old)
  endif()
  if(NOT "${old}" STREQUAL "${text}")
    file(WRITE ${output} "${text}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
endfunction()

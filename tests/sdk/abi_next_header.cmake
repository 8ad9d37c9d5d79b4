# Writes the test fixture header of a hypothetical next minor of the ABI: today's sdk/include/dlaunch/plugin.h
# with its minor raised by one and two fields appended, for the struct-size crossing test. Generated from
# plugin.h, so it is always "today's header plus one minor" and never a stale copy. `dlaunch_logs_args.timestamps`
# lands in 1.0's trailing padding (offset 25 of a 32-byte struct on LP64): a 1.0 host that filled struct_size
# with sizeof would tell a newer plugin it is there. `dlaunch_job_status.preempted` grows a struct that had no
# trailing padding. The header also says which minor it is (DLAUNCH_TEST_NEXT_MINOR) and names the two sizes
# without it (DLAUNCH_TEST_NEXT_JOB_STATUS_SIZE, DLAUNCH_TEST_NEXT_LOGS_ARGS_SIZE), for the tests' C files.
# Usage: dlaunch_write_abi_next_header(SOURCE_HEADER OUTPUT_HEADER NEXT_MINOR_VARIABLE)
function(dlaunch_write_abi_next_header source output next_minor_variable)
  file(READ ${source} text)
  string(REGEX MATCH "#define DLAUNCH_ABI_MINOR ([0-9]+)\n" minor_line "${text}")
  if(NOT minor_line)
    message(FATAL_ERROR "${source} has no '#define DLAUNCH_ABI_MINOR N' line (update ${CMAKE_CURRENT_FUNCTION_LIST_FILE})")
  endif()
  set(minor ${CMAKE_MATCH_1})
  math(EXPR next "${minor} + 1")
  # Each edit must find its place: plugin.h changed under it otherwise, and this file needs the new anchor.
  foreach(edit IN ITEMS
      "${minor_line}|#define DLAUNCH_ABI_MINOR ${next}\n#define DLAUNCH_TEST_NEXT_MINOR ${next}\n"
      "} dlaunch_job_status;\n|  bool preempted; /* 1.${next}: the platform took the job's resources back */\n} dlaunch_job_status;\n#define DLAUNCH_JOB_STATUS_SIZE_1_${next} DLAUNCH_STRUCT_SIZE(dlaunch_job_status, preempted)\n#define DLAUNCH_TEST_NEXT_JOB_STATUS_SIZE DLAUNCH_JOB_STATUS_SIZE_1_${next}\n"
      "  bool follow; /* keep streaming new output until the job is terminal (or is_cancelled) */\n} dlaunch_logs_args;\n|  bool follow; /* keep streaming new output until the job is terminal (or is_cancelled) */\n  bool timestamps; /* 1.${next}: prefix every line with its time */\n} dlaunch_logs_args;\n#define DLAUNCH_LOGS_ARGS_SIZE_1_${next} DLAUNCH_STRUCT_SIZE(dlaunch_logs_args, timestamps)\n#define DLAUNCH_TEST_NEXT_LOGS_ARGS_SIZE DLAUNCH_LOGS_ARGS_SIZE_1_${next}\n")
    string(FIND "${edit}" "|" bar)
    string(SUBSTRING "${edit}" 0 ${bar} from)
    math(EXPR after "${bar} + 1")
    string(SUBSTRING "${edit}" ${after} -1 to)
    string(FIND "${text}" "${from}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "${source} no longer has the line the next-minor test header edits:\n${from}"
                          "(update ${CMAKE_CURRENT_FUNCTION_LIST_FILE})")
    endif()
    string(REPLACE "${from}" "${to}" text "${text}")
  endforeach()
  set(text "/* TEST FIXTURE, not a release: a hypothetical ABI 1.${next}, written by tests/sdk/abi_next_header.cmake from\n * sdk/include/dlaunch/plugin.h. */\n${text}")
  # Rewritten only when it changes, so that what includes it is not rebuilt on every configure.
  if(EXISTS ${output})
    file(READ ${output} old)
  endif()
  if(NOT "${old}" STREQUAL "${text}")
    file(WRITE ${output} "${text}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  set(${next_minor_variable} ${next} PARENT_SCOPE)
endfunction()

# A plugin's manifest (plugin.json) and its C option table (dlaunch_plugin_options.h), both written from the
# one declaration of its options, options.json, so the host can read the options without loading the plugin
# and find them identical in its code. dlaunch_add_plugin (DlaunchPlugin.cmake) calls this at configure time.
# Builds without CMake run the same code as a script:
#
#   cmake -DID=myplatform -DLIBRARY=libdlaunch-myplatform.so -DVERSION=0.1.0 -DDESCRIPTION="..." \
#         -DSDK_INCLUDE_DIR=<prefix>/include -DOPTIONS=options.json \
#         -DMANIFEST=out/plugin.json -DHEADER=gen/dlaunch_plugin_options.h \
#         -P <prefix>/lib/cmake/dlaunch/DlaunchPluginManifest.cmake
#
# options.json is a JSON array of
#   {"name": "address", "type": "string", "required": false, "secret": false, "default": <JSON>, "help": "..."}
# with type one of string, integer, number, boolean, string_array, string_table, any; required, secret and
# default are optional. Mistakes stop the build with the file and the option named.
if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)  # run as a script: no project has set the policies
endif()
include_guard(GLOBAL)

# The plugin ABI the SDK header at `include_dir` defines, into <prefix>_MAJOR and <prefix>_MINOR, and the
# newest job document version it reads (DLAUNCH_JOB_SCHEMA_VERSION) into <prefix>_JOB_DOCUMENT.
function(dlaunch_sdk_abi include_dir prefix)
  file(STRINGS ${include_dir}/dlaunch/plugin.h lines
       REGEX "^#define DLAUNCH_(ABI_MAJOR|ABI_MINOR|JOB_SCHEMA_VERSION) [0-9]+$")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "DLAUNCH_(ABI_MAJOR|ABI_MINOR|JOB_SCHEMA_VERSION) ([0-9]+)" _ "${line}")
    set(name ${CMAKE_MATCH_1})
    string(REPLACE "ABI_" "" name ${name})
    string(REPLACE "JOB_SCHEMA_VERSION" "JOB_DOCUMENT" name ${name})
    set(${prefix}_${name} ${CMAKE_MATCH_2} PARENT_SCOPE)
  endforeach()
endfunction()

# `text` as the inside of a JSON string literal.
function(_dlaunch_json_escape out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# `text` as the inside of a C string literal ("??" is split so that no trigraph forms).
function(_dlaunch_c_escape out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  string(REPLACE "??" "?\\?" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The value at path ARGN inside `json`, as compact JSON text (CMake's own GET indents arrays and objects).
function(_dlaunch_json_compact out json)
  string(JSON type TYPE "${json}" ${ARGN})
  if(type STREQUAL "OBJECT" OR type STREQUAL "ARRAY")
    string(JSON count LENGTH "${json}" ${ARGN})
    set(parts "")
    set(separator "")
    if(count GREATER 0)
      math(EXPR last "${count} - 1")
      foreach(i RANGE ${last})
        if(type STREQUAL "OBJECT")
          string(JSON key MEMBER "${json}" ${ARGN} ${i})
          _dlaunch_json_compact(value "${json}" ${ARGN} "${key}")
          _dlaunch_json_escape(key "${key}")
          string(APPEND parts "${separator}\"${key}\":${value}")
        else()
          _dlaunch_json_compact(value "${json}" ${ARGN} ${i})
          string(APPEND parts "${separator}${value}")
        endif()
        set(separator ",")
      endforeach()
    endif()
    if(type STREQUAL "OBJECT")
      set(${out} "{${parts}}" PARENT_SCOPE)
    else()
      set(${out} "[${parts}]" PARENT_SCOPE)
    endif()
  elseif(type STREQUAL "STRING")
    string(JSON value GET "${json}" ${ARGN})
    _dlaunch_json_escape(value "${value}")
    set(${out} "\"${value}\"" PARENT_SCOPE)
  elseif(type STREQUAL "BOOLEAN")
    string(JSON value GET "${json}" ${ARGN})
    if(value)
      set(${out} "true" PARENT_SCOPE)
    else()
      set(${out} "false" PARENT_SCOPE)
    endif()
  elseif(type STREQUAL "NULL")
    set(${out} "null" PARENT_SCOPE)
  else()
    string(JSON value GET "${json}" ${ARGN})
    set(${out} "${value}" PARENT_SCOPE)
  endif()
endfunction()

# Whether the default at path ARGN of `json` is a value of the option type `type` (the host's own rule).
function(_dlaunch_default_matches out json type)
  string(JSON kind TYPE "${json}" ${ARGN})
  set(matches FALSE)
  if(type STREQUAL "any")
    set(matches TRUE)
  elseif(type STREQUAL "string" AND kind STREQUAL "STRING")
    set(matches TRUE)
  elseif(type STREQUAL "number" AND kind STREQUAL "NUMBER")
    set(matches TRUE)
  elseif(type STREQUAL "integer" AND kind STREQUAL "NUMBER")
    string(JSON value GET "${json}" ${ARGN})
    if(value MATCHES "^-?[0-9]+$")
      set(matches TRUE)
    endif()
  elseif(type STREQUAL "boolean" AND kind STREQUAL "BOOLEAN")
    set(matches TRUE)
  elseif((type STREQUAL "string_array" AND kind STREQUAL "ARRAY") OR
         (type STREQUAL "string_table" AND kind STREQUAL "OBJECT"))
    set(matches TRUE)
    string(JSON count LENGTH "${json}" ${ARGN})
    if(count GREATER 0)
      math(EXPR last "${count} - 1")
      foreach(i RANGE ${last})
        if(kind STREQUAL "OBJECT")
          string(JSON key MEMBER "${json}" ${ARGN} ${i})
          string(JSON item TYPE "${json}" ${ARGN} "${key}")
        else()
          string(JSON item TYPE "${json}" ${ARGN} ${i})
        endif()
        if(NOT item STREQUAL "STRING")
          set(matches FALSE)
        endif()
      endforeach()
    endif()
  endif()
  set(${out} ${matches} PARENT_SCOPE)
endfunction()

# Writes `content` to `file` unless it already holds exactly that, so unchanged outputs keep their time stamps
# (and what includes them is not rebuilt).
function(_dlaunch_write_if_changed file content)
  if(EXISTS "${file}")
    file(READ "${file}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${content}")
endfunction()

# Reads and checks options.json; sets <out>_MANIFEST (the manifest's "options" array) and <out>_HEADER (the
# C declarations).
function(_dlaunch_read_options out options_file id)
  file(READ "${options_file}" json)
  string(JSON kind ERROR_VARIABLE error TYPE "${json}")
  if(error)
    message(FATAL_ERROR "${options_file}: not valid JSON: ${error}")
  elseif(NOT kind STREQUAL "ARRAY")
    message(FATAL_ERROR "${options_file}: must be a JSON array of option objects")
  endif()
  set(c_types string STRING integer INTEGER number NUMBER boolean BOOLEAN
              string_array STRING_ARRAY string_table STRING_TABLE any ANY)
  set(manifest_items "")
  set(header_items "")
  set(table_items "")
  set(names "")
  string(JSON count LENGTH "${json}")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      set(where "${options_file}: option ${i}")
      string(JSON kind TYPE "${json}" ${i})
      if(NOT kind STREQUAL "OBJECT")
        message(FATAL_ERROR "${where} must be an object")
      endif()
      string(JSON members LENGTH "${json}" ${i})
      if(members EQUAL 0)
        message(FATAL_ERROR "${where} is empty: it needs at least a name, a type and help")
      endif()
      math(EXPR last_member "${members} - 1")
      foreach(m RANGE ${last_member})
        string(JSON key MEMBER "${json}" ${i} ${m})
        if(NOT key MATCHES "^(name|type|required|secret|default|help)$")
          message(FATAL_ERROR "${where}: unknown key \"${key}\" (name, type, required, secret, default, help)")
        endif()
      endforeach()

      string(JSON name ERROR_VARIABLE error GET "${json}" ${i} name)
      string(JSON kind ERROR_VARIABLE error TYPE "${json}" ${i} name)
      if(error OR NOT kind STREQUAL "STRING" OR NOT name MATCHES "^[A-Za-z0-9_-]+$")
        message(FATAL_ERROR "${where}: \"name\" must be a string of A-Z, a-z, 0-9, '_' and '-' (a bare TOML key)")
      endif()
      set(where "${options_file}: option '${name}'")
      list(FIND names "${name}" seen)
      if(seen GREATER_EQUAL 0)
        message(FATAL_ERROR "${where} is declared twice")
      endif()
      list(APPEND names ${name})

      string(JSON type ERROR_VARIABLE error GET "${json}" ${i} type)
      list(FIND c_types "${type}" type_index)
      math(EXPR type_parity "${type_index} % 2")
      if(error OR type_index LESS 0 OR NOT type_parity EQUAL 0)
        message(FATAL_ERROR
          "${where}: \"type\" must be one of string, integer, number, boolean, string_array, string_table, any")
      endif()
      math(EXPR c_type_index "${type_index} + 1")
      list(GET c_types ${c_type_index} c_type)

      set(flags "")
      set(manifest_flags "")
      foreach(flag required secret)
        string(JSON kind ERROR_VARIABLE error TYPE "${json}" ${i} ${flag})
        set(value false)
        if(NOT error)
          if(NOT kind STREQUAL "BOOLEAN")
            message(FATAL_ERROR "${where}: \"${flag}\" must be true or false")
          endif()
          string(JSON value GET "${json}" ${i} ${flag})
          if(value)
            set(value true)
            string(TOUPPER ${flag} upper)
            list(APPEND flags DLAUNCH_OPTION_${upper})
          else()
            set(value false)
          endif()
        endif()
        string(APPEND manifest_flags ", \"${flag}\": ${value}")
      endforeach()
      list(JOIN flags " | " c_flags)
      if(c_flags STREQUAL "")
        set(c_flags 0)
      endif()

      string(JSON kind ERROR_VARIABLE error TYPE "${json}" ${i} default)
      if(error)
        set(manifest_default "")
        set(c_default NULL)
      else()
        _dlaunch_default_matches(matches "${json}" ${type} ${i} default)
        if(NOT matches)
          message(FATAL_ERROR "${where}: the default is not a value of type ${type}")
        endif()
        _dlaunch_json_compact(default "${json}" ${i} default)
        set(manifest_default ", \"default\": ${default}")
        _dlaunch_c_escape(c_default "${default}")
        set(c_default "\"${c_default}\"")
      endif()

      string(JSON help ERROR_VARIABLE error GET "${json}" ${i} help)
      string(JSON kind ERROR_VARIABLE error TYPE "${json}" ${i} help)
      if(error OR NOT kind STREQUAL "STRING" OR help STREQUAL "")
        message(FATAL_ERROR "${where}: \"help\" must be a sentence saying what the option does")
      endif()
      _dlaunch_json_escape(json_help "${help}")
      _dlaunch_c_escape(c_help "${help}")

      if(i GREATER 0)
        string(APPEND manifest_items ",")
      endif()
      string(APPEND manifest_items "\n    {\"name\": \"${name}\", \"type\": \"${type}\"${manifest_flags}${manifest_default}, "
                                   "\"help\": \"${json_help}\"}")
      string(APPEND header_items
        "static const dlaunch_option_desc dlaunch_plugin_option_${i} = {\n"
        "    DLAUNCH_STRUCT_SIZE(dlaunch_option_desc, help), \"${name}\", DLAUNCH_OPTION_${c_type}, ${c_flags},\n"
        "    ${c_default},\n"
        "    \"${c_help}\"};\n")
      string(APPEND table_items "&dlaunch_plugin_option_${i}, ")
    endforeach()
  endif()
  set(${out}_MANIFEST "[${manifest_items}\n  ]" PARENT_SCOPE)
  string(CONCAT header
    "/* Generated by dlaunch_add_plugin from ${options_file}: edit that file, not this one.\n"
    " * The options of plugin '${id}', exactly as its manifest declares them (the host refuses a plugin whose\n"
    " * table and manifest disagree). Include it in the one source file that builds the plugin table; C++\n"
    " * plugins get it through DLAUNCH_PLUGIN (dlaunch/plugin.hpp). */\n"
    "#ifndef DLAUNCH_PLUGIN_OPTIONS_H_\n"
    "#define DLAUNCH_PLUGIN_OPTIONS_H_\n"
    "\n"
    "#include <dlaunch/plugin.h>\n"
    "\n"
    "${header_items}"
    "\n"
    "/* NULL-terminated: dlaunch_plugin_api.options. */\n"
    "static const dlaunch_option_desc *const dlaunch_plugin_options[] = {${table_items}NULL};\n"
    "\n"
    "#endif /* DLAUNCH_PLUGIN_OPTIONS_H_ */\n")
  set(${out}_HEADER "${header}" PARENT_SCOPE)
endfunction()

# dlaunch_write_plugin_files(ID <id> LIBRARY <file name> VERSION <v> DESCRIPTION <text>
#                            ABI_MAJOR <n> ABI_MINOR <n> MIN_HOST_MINOR <n> JOB_DOCUMENT <n> MANIFEST <path>
#                            [OPTIONS <options.json> HEADER <path>])
# Without OPTIONS the manifest is version 1 and declares no options: the host loads the plugin to learn them.
# JOB_DOCUMENT is the newest job document version the plugin reads (its SDK's DLAUNCH_JOB_SCHEMA_VERSION), so
# the host never sends it one it would refuse; 0 leaves "job_document" out, as manifests before it did.
function(dlaunch_write_plugin_files)
  cmake_parse_arguments(PARSE_ARGV 0 P ""
                        "ID;LIBRARY;VERSION;DESCRIPTION;ABI_MAJOR;ABI_MINOR;MIN_HOST_MINOR;JOB_DOCUMENT;MANIFEST;OPTIONS;HEADER" "")
  _dlaunch_json_escape(description "${P_DESCRIPTION}")
  _dlaunch_json_escape(version "${P_VERSION}")
  set(manifest_version 1)
  set(options "")
  if(P_OPTIONS)
    if(NOT P_HEADER)
      message(FATAL_ERROR "dlaunch_write_plugin_files: OPTIONS needs HEADER")
    endif()
    _dlaunch_read_options(declared "${P_OPTIONS}" ${P_ID})
    set(manifest_version 2)
    set(options ",\n  \"options\": ${declared_MANIFEST}")
    _dlaunch_write_if_changed("${P_HEADER}" "${declared_HEADER}")
  endif()
  set(job_document "")
  if(P_JOB_DOCUMENT)
    set(job_document ",\n  \"job_document\": { \"newest\": ${P_JOB_DOCUMENT} }")
  endif()
  _dlaunch_write_if_changed("${P_MANIFEST}" "{
  \"manifest_version\": ${manifest_version},
  \"id\": \"${P_ID}\",
  \"library\": \"${P_LIBRARY}\",
  \"version\": \"${version}\",
  \"description\": \"${description}\",
  \"abi\": { \"major\": ${P_ABI_MAJOR}, \"minor\": ${P_ABI_MINOR}, \"min_host_minor\": ${P_MIN_HOST_MINOR} }${job_document}${options}
}
")
  # The host refuses plugin files that others can write, whatever the builder's umask.
  file(CHMOD "${P_MANIFEST}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  foreach(required ID LIBRARY SDK_INCLUDE_DIR MANIFEST)
    if(NOT DEFINED ${required})
      message(FATAL_ERROR "DlaunchPluginManifest.cmake: -D${required}=... is required (see the top of this file)")
    endif()
  endforeach()
  dlaunch_sdk_abi(${SDK_INCLUDE_DIR} abi)
  if(NOT DEFINED MIN_HOST_MINOR)
    set(MIN_HOST_MINOR 0)
  endif()
  set(optional "")
  if(OPTIONS)
    set(optional OPTIONS "${OPTIONS}" HEADER "${HEADER}")
  endif()
  dlaunch_write_plugin_files(ID ${ID} LIBRARY ${LIBRARY} VERSION "${VERSION}" DESCRIPTION "${DESCRIPTION}"
    ABI_MAJOR ${abi_MAJOR} ABI_MINOR ${abi_MINOR} MIN_HOST_MINOR ${MIN_HOST_MINOR} JOB_DOCUMENT ${abi_JOB_DOCUMENT}
    MANIFEST "${MANIFEST}" ${optional})
endif()

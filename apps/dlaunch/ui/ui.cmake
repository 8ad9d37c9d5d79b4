# `dlaunch ui`: its sources, and its page's files (assets/) embedded in the binary as a generated source.
file(GLOB dlaunch_ui_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
file(GLOB dlaunch_ui_assets CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_LIST_DIR}/assets
     ${CMAKE_CURRENT_LIST_DIR}/assets/*)
list(TRANSFORM dlaunch_ui_assets PREPEND ${CMAKE_CURRENT_LIST_DIR}/assets/ OUTPUT_VARIABLE dlaunch_ui_asset_files)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.cpp
  COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_CURRENT_LIST_DIR}/assets "-DASSETS=${dlaunch_ui_assets}"
          -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/ui_assets.cpp -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  DEPENDS ${dlaunch_ui_asset_files} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  COMMENT "Embedding dlaunch ui's page" VERBATIM)
list(APPEND dlaunch_ui_sources ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.cpp)

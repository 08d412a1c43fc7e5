# folio_set_warnings(target): the project's warning set; errors when FOLIO_WERROR is on (the ci preset).
function(folio_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
    # GCC 12 reports false positives inside libstdc++'s std::string/std::vector at -O2/-O3
    # (GCC bugs 105329, 107852); real out-of-bounds accesses are caught by the asan preset.
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-restrict -Wno-array-bounds -Wno-stringop-overflow>)
  if(FOLIO_WERROR)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
  endif()
endfunction()

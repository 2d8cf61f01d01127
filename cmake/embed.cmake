# Compiles text files into a C source: for each file NAME.EXT of DIR, a
# NUL-terminated array mail_tpl_NAME_EXT. Run by the build (cmake -P) with
# -DDIR=… -DOUT=… whenever a template changes.
file(GLOB files RELATIVE ${DIR} ${DIR}/*.txt ${DIR}/*.html)
list(SORT files)
set(c "/* Generated from src/mail/templates by cmake/embed.cmake: do not edit. */\n")
foreach(f ${files})
  string(MAKE_C_IDENTIFIER "mail_tpl_${f}" id)
  file(READ ${DIR}/${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND c "const char ${id}[] = { ${bytes} 0x00 };\n")
endforeach()
file(WRITE ${OUT}.tmp "${c}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

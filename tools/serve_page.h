/* serve_page: the page romsim serve answers with at / (tools/serve_page.html,
 * embedded at build time by tools/embed.c). */
#ifndef ROMSIM_SERVE_PAGE_H
#define ROMSIM_SERVE_PAGE_H

extern const char serve_page_html[];

#endif

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { type DefaultTheme, defineConfig } from 'vitepress';

const docsRoot = new URL('..', import.meta.url);

/** Sidebar entries from the pages present in a folder, titled by each page's first heading. */
function pages(lang: 'en' | 'vi', folder: string): DefaultTheme.SidebarItem[] {
  const dir = new URL(`${lang}/${folder}/`, docsRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort((a, b) => (a === 'core.md' ? -1 : b === 'core.md' ? 1 : a.localeCompare(b)))
    .map((file) => {
      const heading = /^#\s+(.+)$/m.exec(readFileSync(new URL(file, dir), 'utf8'))?.[1] ?? file;
      return { text: heading.replace(/`/g, ''), link: `/${lang}/${folder}/${file.replace(/\.md$/, '')}` };
    });
}

function sidebar(lang: 'en' | 'vi'): DefaultTheme.Sidebar {
  const t =
    lang === 'en'
      ? { guide: 'Guides', packages: 'Packages', api: 'API reference' }
      : { guide: 'Hướng dẫn', packages: 'Gói thư viện', api: 'Tài liệu API' };
  return [
    { text: t.guide, items: pages(lang, 'guide') },
    { text: t.packages, items: pages(lang, 'packages') },
    {
      text: t.api,
      items: [...pages(lang, 'reference'), { text: 'TypeDoc', link: '/api/index.html', target: '_blank' }],
    },
  ];
}

export default defineConfig({
  title: 'Liên Thông',
  description: 'Open-source TypeScript SDK for Vietnamese health-data interoperability',
  cleanUrls: true,
  // TypeDoc's HTML lives in public/api and may carry copies of Markdown files: not pages.
  srcExclude: ['public/**'],
  lastUpdated: false,
  // The TypeDoc reference is generated into public/api (static HTML) by scripts/docs-api.mjs.
  ignoreDeadLinks: [/^\/api\//],
  locales: {
    root: { label: 'Liên Thông', lang: 'vi' },
    vi: {
      label: 'Tiếng Việt',
      lang: 'vi',
      link: '/vi/',
      themeConfig: { nav: [{ text: 'Bắt đầu', link: '/vi/guide/getting-started' }], sidebar: sidebar('vi') },
    },
    en: {
      label: 'English',
      lang: 'en',
      link: '/en/',
      themeConfig: {
        nav: [{ text: 'Get started', link: '/en/guide/getting-started' }],
        sidebar: sidebar('en'),
      },
    },
  },
  themeConfig: { search: { provider: 'local' } },
});

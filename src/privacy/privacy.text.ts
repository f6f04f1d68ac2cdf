export const PRIVACY = {
  title: 'Privacy, in plain words',
  text: [
    'What we keep: your username, a hash of your password (never the password itself), the stories, replies, reactions and drafts you write, the members you block, your notifications, and your sign-in sessions. There is no email address, no real name, no phone number.',
    'Who sees what: members see what you post. When you post anonymously, other members see only a pseudonym that is different in every story. Moderators can find out which account wrote an anonymous post, but only through a deliberate step that is written to the moderation log with a reason, to keep everyone safe.',
    'No trackers: Setback has no advertising, no analytics scripts and no third-party cookies. The one cookie keeps you signed in. Pages are marked so that search engines do not index them.',
    'Taking your words with you: "Download my data" gives you a file with everything you wrote and your account details.',
    'Leaving: you can delete your account at any time. "Anonymize" keeps your stories and replies (so conversations others joined stay whole), shows those you wrote under your name as written by a former member, leaves those you posted anonymously under their pseudonyms exactly as before (so nothing ties them to your name or to each other), and removes your name. "Erase" removes the text of everything you wrote and all your personal data; placeholders keep the shape of conversations. Either way you are signed out everywhere at once.',
    'Getting back in: there is no email, so keep the recovery codes you were given at sign-up somewhere safe. Each works once.',
  ].join('\n\n'),
};

export const fr = {
  office: {
    waiting: "Connexion à Outlook…",
    noAnswer:
      "Outlook n'a pas répondu : le complément n'a pas pu se charger. Vérifiez votre connexion puis rouvrez le volet.",
    outside: "Ce volet est un complément Outlook : ouvrez-le depuis Outlook (un rendez-vous ou un message).",
    retry: "Réessayer",
  },
  title: "Mes formations",
  formations: {
    empty: "Aucune formation à venir.",
    push: "Ajouter à Outlook",
    pushAgain: "Renvoyer vers Outlook",
    pushed: "Ajoutée à votre calendrier Outlook.",
    fill: "Remplir avec cette formation",
    filled: "Le rendez-vous a été rempli avec « {{title}} ».",
    addToCalendar: "Ajouter à mon calendrier",
    state: {
      in_outlook: "Dans Outlook",
      pending: "En cours d'envoi",
      not_exported: "Pas encore dans Outlook",
      removed_in_outlook: "Supprimée dans Outlook",
      conflict: "Conflit",
      error: "Erreur",
    },
  },
  current: {
    heading: "Cette formation",
    enrolled: "Vous êtes inscrit(e) à cette formation.",
    trainer: "Formateur : {{name}}",
    learners: "{{count}} participant(s)",
    location: "Lieu : {{location}}",
  },
  sync: {
    heading: "Synchronisation",
    not_connected: "Outlook n'est pas encore connecté à votre agenda.",
    connect: "Connecter Outlook",
    idle: "Synchronisé avec {{email}}",
    syncing: "Synchronisation en cours…",
    error: "La dernière synchronisation a échoué.",
    needs_reauth: "Reconnectez Outlook pour reprendre la synchronisation.",
    unknown: "État de la synchronisation inconnu.",
    unlinked:
      "Votre compte Microsoft n'est pas encore relié à votre agenda : connectez Outlook depuis les paramètres du calendrier.",
    settings: "Paramètres calendrier",
  },
  auth: {
    signingIn: "Connexion à votre compte Microsoft…",
    failed: "La connexion à Microsoft a échoué : {{message}}",
    noOffice: "Cette fenêtre de connexion s'ouvre depuis le complément Outlook.",
    dialogClosed: "La fenêtre de connexion a été fermée avant la fin : réessayez pour vous connecter.",
    dialogBlocked: "Outlook n'a pas pu ouvrir la fenêtre de connexion : autorisez-la, puis réessayez.",
  },
  errors: {
    signIn: "Connexion impossible : {{message}}",
    unexpected: "Une erreur est survenue : {{message}}",
  },
};

export type Messages = typeof fr;

import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Outlet, Route, Routes } from "react-router";
import { ApiProvider } from "./api/api-provider";
import { AppShell } from "./layout/app-shell";
import { MainNavigation } from "./layout/main-navigation";
import { NotFoundPage } from "./layout/not-found-page";
import { RequireUser } from "./session/current-user";
import { SignInPage } from "./session/sign-in-page";

// Each page is loaded when first opened: the agenda does not ship the settings' or the admin's code, nor the home
// the calendar's.
const HomePage = lazy(() => import("./home/home-page").then((module) => ({ default: module.HomePage })));
const AgendaPage = lazy(() => import("./agenda/agenda-page").then((module) => ({ default: module.AgendaPage })));
const CalendarSettingsPage = lazy(() =>
  import("./settings/calendar-settings-page").then((module) => ({ default: module.CalendarSettingsPage })),
);
const OutlookCallbackPage = lazy(() =>
  import("./callback/outlook-callback-page").then((module) => ({ default: module.OutlookCallbackPage })),
);
const PlanningPage = lazy(() =>
  import("./planning/planning-page").then((module) => ({ default: module.PlanningPage })),
);
const FormationPage = lazy(() =>
  import("./planning/formation-page").then((module) => ({ default: module.FormationPage })),
);
const AdminCalendarSettingsPage = lazy(() =>
  import("./admin/admin-calendar-settings-page").then((module) => ({ default: module.AdminCalendarSettingsPage })),
);
const AuditLogPage = lazy(() => import("./admin/audit-log-page").then((module) => ({ default: module.AuditLogPage })));
const ServiceTokensPage = lazy(() =>
  import("./admin/service-tokens-page").then((module) => ({ default: module.ServiceTokensPage })),
);

function PageLoading() {
  const { t } = useTranslation();
  return <p role="status">{t("app.loading")}</p>;
}

function SignedInLayout() {
  return (
    <RequireUser>
      <AppShell navigation={<MainNavigation />}>
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </AppShell>
    </RequireUser>
  );
}

function PublicLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

export function App() {
  return (
    <ApiProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<SignedInLayout />}>
            <Route index element={<HomePage />} />
            <Route path="/agenda" element={<AgendaPage />} />
            <Route path="/agenda/settings" element={<CalendarSettingsPage />} />
            <Route path="/calendar/callback/outlook" element={<OutlookCallbackPage />} />
            <Route path="/planning" element={<PlanningPage />} />
            <Route path="/planning/:id" element={<FormationPage />} />
            <Route path="/admin/calendar-settings" element={<AdminCalendarSettingsPage />} />
            <Route path="/admin/audit-log" element={<AuditLogPage />} />
            <Route path="/admin/service-tokens" element={<ServiceTokensPage />} />
          </Route>
          <Route element={<PublicLayout />}>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </ApiProvider>
  );
}
